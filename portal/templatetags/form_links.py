from django import template

register = template.Library()


@register.filter
def control_id(bound_field) -> str:
    """The id an error summary links to: the field's own control, or the first control of a
    radio or checkbox group (whose label points at no single input)."""
    widget = bound_field.field.widget
    if getattr(widget, "input_type", None) == "radio" or getattr(
            widget, "allow_multiple_selected", False) and getattr(
            widget, "input_type", None) == "checkbox":
        return f"{bound_field.auto_id}_0" if bound_field.auto_id else ""
    return bound_field.id_for_label
