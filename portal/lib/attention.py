"""What needs a user's attention on the home page. Which items appear is in
portal/composition.py; each is a function (user) → list of AttentionItem."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AttentionItem:
    title: str
    detail: str
    url: str
    level: str = "info"  # "info" or "warning"


Provider = Callable[[object], list[AttentionItem]]


def items_for(user, providers: Iterable[Provider]) -> list[AttentionItem]:
    items = [item for func in providers for item in func(user)]
    return sorted(items, key=lambda item: item.level != "warning")
