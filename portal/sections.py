"""Sections other apps add to a municipality's page (its initiatives, its councils …)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


Provider = Callable[[object, object], Section | None]  # (user, municipality) → section
_providers: list[Provider] = []


def municipality_section(func: Provider) -> Provider:
    _providers.append(func)
    return func


def municipality_sections(user, municipality) -> list[Section]:
    return [section for func in _providers if (section := func(user, municipality))]
