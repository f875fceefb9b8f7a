"""Reference data loaders of every app, run in order by `manage.py load_reference_data`."""

from collections.abc import Callable

_loaders: list[Callable[[], str]] = []


def register_loader(loader: Callable[[], str]) -> None:
    """``loader`` creates or updates its rows by their codes and returns a one-line summary."""
    if loader not in _loaders:
        _loaders.append(loader)


def loaders() -> list[Callable[[], str]]:
    return list(_loaders)
