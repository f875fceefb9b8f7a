"""Sections other apps add to a municipality's page (its initiatives, its councils …)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string

from . import caching


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


Provider = Callable[[object, object], Section | None]  # (user, municipality) → section
_providers: list[tuple[Provider, tuple[str, ...]]] = []


def municipality_section(func: Provider | None = None, *, topics: tuple[str, ...] = ()):
    """Registers a provider. With ``topics`` its section is the same for every user of a scope
    until those topics change, and the page keeps it cached; without, it is built each time
    (for a section that depends on the user personally)."""
    def register(provider: Provider) -> Provider:
        _providers.append((provider, tuple(topics)))
        return provider

    return register(func) if func is not None else register


def municipality_sections(user, municipality) -> list[Section]:
    return [section for func, _topics in _providers if (section := func(user, municipality))]


def rendered_sections(request, municipality) -> list[str]:
    """Each section as HTML for the municipality's page, from the cache where it may be."""
    def render(func) -> str:
        section = func(request.user, municipality)
        if section is None:
            return ""
        return render_to_string(section.template, {
            "data": section.context, "municipality": municipality}, request)

    return [caching.fragment(request, f"section:{func.__module__}.{func.__qualname__}", topics,
                             (municipality.lg_code,), lambda func=func: render(func))
            if topics else render(func) for func, topics in _providers]
