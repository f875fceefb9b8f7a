"""``{% can "action" target as name %}``: a template asks the policies, never the user's role.

``target`` is an object, or a model as "app_label.Model" for a decision about the model as a
whole (``can(user, action, Model)``)."""

from django import template
from django.apps import apps

from portal.lib import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, target):
    user = context.get("user") or context["request"].user
    if isinstance(target, str):
        target = apps.get_model(target)
    return permissions.can(user, action, target)
