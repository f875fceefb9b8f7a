"""Every piece an app writes for the home page, a municipality's page or the dashboard is
listed in portal/composition.py, once: a piece written but not composed would never show."""

import importlib
import inspect

import pytest

from portal import composition
from portal.lib.dashboard import Measure, Panel

APPS = ("portal", "collaboration", "surveys", "meetings")


def functions_of(module_name):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return []
    return [func for name, func in inspect.getmembers(module, inspect.isfunction)
            if func.__module__ == module.__name__ and not name.startswith("_")]


def constants_of(module_name, kind):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return []
    found = []
    for value in vars(module).values():
        if isinstance(value, kind):
            found.append(value)
        elif isinstance(value, tuple):
            found += [item for item in value if isinstance(item, kind)]
    return found


def test_every_home_page_item_is_composed():
    written = [func for app in APPS for func in functions_of(f"{app}.attention_items")]
    assert written and set(written) == set(composition.HOME_ITEMS)
    assert len(composition.HOME_ITEMS) == len(set(composition.HOME_ITEMS))


def test_every_municipality_section_is_composed():
    written = [func for app in APPS for func in functions_of(f"{app}.sections")
               if func.__module__ != "portal.lib.sections"]
    assert written and set(written) == set(composition.MUNICIPALITY_SECTIONS)
    assert len(composition.MUNICIPALITY_SECTIONS) == len(set(composition.MUNICIPALITY_SECTIONS))


@pytest.mark.parametrize(("kind", "composed"), [
    (Measure, composition.DASHBOARD_MEASURES), (Panel, composition.DASHBOARD_PANELS)])
def test_every_dashboard_piece_is_composed(kind, composed):
    modules = [f"{app}.dashboard" for app in APPS if app != "portal"] + [
        "portal.dashboard_measures"]
    written = [piece for name in modules for piece in constants_of(name, kind)]
    assert written and set(map(id, written)) == set(map(id, composed))
    assert len({piece.code if kind is Measure else piece.template for piece in composed}) == len(
        composed)


def test_the_pages_show_the_pieces_in_the_composed_order():
    assert [func.__name__ for func in composition.MUNICIPALITY_SECTIONS] == [
        "initiatives_taking_part", "survey_answers", "spread_candidates", "councils"]
    assert [measure.code for measure in composition.DASHBOARD_MEASURES][0] == "population"
