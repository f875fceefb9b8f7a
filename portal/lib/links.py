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


_PK_MARK = 987654321  # a primary key no address holds otherwise, replaced by each real one


def by_pk(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for any primary key, from one ``reverse``: a page of
    cards or of API rows differs only in the id in each address."""
    head, tail = reverse(name, args=[_PK_MARK]).split(str(_PK_MARK))
    return lambda pk: f"{head}{pk}{tail}"
