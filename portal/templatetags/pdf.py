"""{% pdf_font_face %}: the @font-face rule of the bundled Japanese font, for PDF templates."""

from django import template
from django.utils.safestring import mark_safe

from portal.lib import pdf

register = template.Library()


@register.simple_tag
def pdf_font_face():
    return mark_safe(pdf.font_face_css())  # a path from settings, not user input
