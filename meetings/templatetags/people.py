from django import template

from meetings.people import person_label

register = template.Library()


@register.filter
def person(user):
    """A portal account as meetings pages name people: 「大蔵村 山田 太郎」."""
    return person_label(user) if user else ""
