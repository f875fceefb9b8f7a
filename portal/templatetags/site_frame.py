"""``{% site_nav %}`` and ``{% site_tools %}``: the layout's header (portal.site_header)."""

from django import template

from portal import site_header

register = template.Library()


@register.simple_tag(takes_context=True)
def site_nav(context):
    public_site = context.get("public_site")
    return site_header.site_nav(context["request"], context["user"],
                                public_site if callable(public_site) else lambda: public_site)


@register.simple_tag(takes_context=True)
def site_tools(context):
    return site_header.site_tools(context["request"], context["user"])
