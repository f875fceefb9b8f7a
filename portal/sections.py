"""Sections other apps add to a municipality's page (its initiatives, its councils …)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from . import caching


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


Provider = Callable[[object, object], Section | None]  # (user, municipality) → section
_providers: list[tuple[Provider, tuple[str, ...], tuple]] = []


def municipality_section(func: Provider | None = None, *, topics: tuple[str, ...] = (),
                         reads: tuple = ()):
    """Registers a provider. With ``topics`` the page keeps its section cached until those
    topics change, shared by the users whom the policies of ``reads`` (the models whose rows
    it shows) decide alike; without, it is built each time."""
    def register(provider: Provider) -> Provider:
        _providers.append((provider, tuple(topics), tuple(reads)))
        return provider

    return register(func) if func is not None else register


def municipality_sections(user, municipality) -> list[Section]:
    return [section for func, *_how in _providers if (section := func(user, municipality))]


def rendered_sections(request, municipality) -> list[str]:
    """Each section as HTML for the municipality's page, from the cache where it may be."""
    def render(func) -> str:
        section = func(request.user, municipality)
        if section is None:
            return ""
        return caching.render(section.template, {
            "data": section.context, "municipality": municipality}, request)

    # The date is part of the key: a council seat ends with its term, without any write.
    today = timezone.localdate()
    return [caching.fragment(request, f"section:{func.__module__}.{func.__qualname__}", topics,
                             (municipality.lg_code, today), lambda func=func: render(func),
                             reads=reads)
            if topics else render(func) for func, topics, reads in _providers]
