"""The programme at a glance: measures for the tile map and panels, registered by the apps."""

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


_measures: dict[str, Measure] = {}
_panels: list[Panel] = []


def register_measure(measure: Measure) -> None:
    _measures[measure.code] = measure


def register_panel(panel: Panel) -> None:
    _panels.append(panel)


def measures() -> list[Measure]:
    return list(_measures.values())


def panels() -> list[Panel]:
    return list(_panels)
