"""Reference data loaders of every app, run in order by `manage.py load_reference_data`."""

from collections.abc import Callable

_loaders: list[Callable[[], str]] = []


def register_loader(loader: Callable[[], str]) -> None:
    """``loader`` creates or updates its rows by their codes and returns a one-line summary."""
    if loader not in _loaders:
        _loaders.append(loader)


def loaders() -> list[Callable[[], str]]:
    return list(_loaders)


_demo_loaders: list[Callable[[], str]] = []


def register_demo_loader(loader: Callable[[], str]) -> None:
    """``loader`` adds an app's demo data where missing and returns a one-line summary."""
    if loader not in _demo_loaders:
        _demo_loaders.append(loader)


def demo_loaders() -> list[Callable[[], str]]:
    return list(_demo_loaders)


_generators: list[tuple[int, str, Callable[..., str]]] = []


def register_generator(name: str, generate: Callable[..., str], *, order: int = 0) -> None:
    """``generate(scale=, seed=)`` adds synthetic rows in bulk and returns a summary. Generators
    run by ``order``, then as registered: a higher order runs after the rows it refers to."""
    if all(existing != name for _, existing, _ in _generators):
        _generators.append((order, name, generate))


def generators() -> list[tuple[str, Callable[..., str]]]:
    return [(name, generate) for _, name, generate in sorted(_generators, key=lambda g: g[0])]
