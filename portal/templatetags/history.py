from django import template

from portal.lib.history_markup import history_rows as rows

register = template.Library()


@register.filter(is_safe=True)
def history_rows(history):
    """{{ history|history_rows }}: the change history's rows, as the table's loop wrote them."""
    return rows(history)
