"""Links to one page per municipality, built from one ``reverse``: the rows of a board or the
tiles of a map differ only in the 団体コード at the end of the address."""

from collections.abc import Callable

from django.urls import reverse

_PLACEHOLDER = "000000"  # a 団体コード the URL patterns accept, replaced by each real one


def by_lg_code(name: str, *args) -> Callable[[str], str]:
    """``reverse(name, args=[*args, lg_code])`` for any 団体コード (six digits)."""
    url = reverse(name, args=[*args, _PLACEHOLDER])
    cut = url.rindex(_PLACEHOLDER)
    head, tail = url[:cut], url[cut + len(_PLACEHOLDER):]
    return lambda lg_code: f"{head}{lg_code}{tail}"
