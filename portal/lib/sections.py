"""Sections of a municipality's page (its initiatives, its councils …): how they are built
and kept. Which sections appear, in which order, is in portal/composition.py."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from . import caching


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


Provider = Callable[[object, object], Section | None]  # (user, municipality) → section


def municipality_section(func: Provider | None = None, *, topics: tuple[str, ...] = (),
                         reads: tuple = ()):
    """Says how a provider's section is kept. With ``topics`` the page keeps it cached until
    those topics change, shared by the users whom the policies of ``reads`` (the models whose
    rows it shows) decide alike; without, it is built each time."""
    def mark(provider: Provider) -> Provider:
        provider.topics, provider.reads = tuple(topics), tuple(reads)
        return provider

    return mark(func) if func is not None else mark


def municipality_sections(user, municipality, providers: Iterable[Provider]) -> list[Section]:
    return [section for func in providers if (section := func(user, municipality))]


def section_fragments(request, municipality, providers: Iterable[Provider]
                      ) -> list[caching.Fragment]:
    """Each section as a piece of the municipality's page (``caching.fragments``), kept in the
    cache where its provider says how; the page asks for them with its other pieces at once."""
    def render(func) -> str:
        section = func(request.user, municipality)
        if section is None:
            return ""
        return caching.render(section.template, {
            "data": section.context, "municipality": municipality}, request)

    # The date is part of the key: a council seat ends with its term, without any write.
    today = timezone.localdate()
    return [caching.Fragment(f"section:{func.__module__}.{func.__qualname__}",
                             getattr(func, "topics", ()), (municipality.lg_code, today),
                             lambda func=func: render(func), getattr(func, "reads", ()))
            for func in providers]
