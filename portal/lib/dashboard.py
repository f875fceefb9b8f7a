"""The programme at a glance: what a measure of the tile map and a panel are. Which of them
the dashboard shows, in which order, is in portal/composition.py."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: str
    values: Callable  # (user) → {団体コード: Decimal}
    topics: tuple[str, ...]  # what the values are drawn from: the cached map follows them
    reads: tuple = ()  # the models whose policies decide the values (the cache key follows)


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable  # (user) → dict
    topics: tuple[str, ...]
    reads: tuple = ()
