"""Japanese names for the admin pages of django-axes, which ships no Japanese catalogue.

Listed here so that makemessages keeps them in the portal's catalogue; never imported.
"""

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("access attempt"), gettext_noop("access attempts"),
    gettext_noop("access failure"), gettext_noop("access failures"),
    gettext_noop("access log"), gettext_noop("access logs"),
    gettext_noop("access attempt expiration"), gettext_noop("access attempt expirations"),
    gettext_noop("Username"), gettext_noop("IP Address"), gettext_noop("User Agent"),
    gettext_noop("Path"), gettext_noop("Attempt Time"), gettext_noop("Failed Logins"),
    gettext_noop("Locked Out"), gettext_noop("Expires At"), gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"), gettext_noop("Form Data"),
    gettext_noop("Meta Data"), gettext_noop("Logout Time"), gettext_noop("Access lock out"),
]
