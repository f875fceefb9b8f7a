"""What needs a user's attention on the home page. Each app registers its own providers."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class AttentionItem:
    title: str
    detail: str
    url: str
    level: str = "info"  # "info" or "warning"


Provider = Callable[[object], list[AttentionItem]]
_providers: list[Provider] = []


def provider(func: Provider) -> Provider:
    _providers.append(func)
    return func


def items_for(user) -> list[AttentionItem]:
    items = [item for func in _providers for item in func(user)]
    return sorted(items, key=lambda item: item.level != "warning")
