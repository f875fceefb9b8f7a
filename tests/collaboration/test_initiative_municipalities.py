"""An initiative page's municipalities (``initiative_page.municipalities_of``, written-out SQL)
are the ORM's read of them: every municipality in order, each with whether it takes part."""

import pytest
from django.db.models import Exists, OuterRef

from collaboration.initiative_page import municipalities_of
from collaboration.models import Initiative
from portal.models import Municipality
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db


def _orm(initiative) -> list[Municipality]:
    return list(Municipality.objects.annotate(taking_part=Exists(
        Initiative.municipalities.through.objects.filter(initiative=initiative,
                                                         municipality=OuterRef("pk")))))


def _fields(municipalities) -> list[tuple]:
    return [(*(getattr(m, f.attname) for f in Municipality._meta.concrete_fields),
             m.taking_part, m.get_absolute_url()) for m in municipalities]


@pytest.mark.parametrize("codes", [(), ("062014",), ("062014", "062022", "063657", "064262")])
def test_the_municipalities_are_those_the_orm_reads(codes):
    initiative = make_initiative("ごみ処理の広域化", codes=codes)
    make_initiative("別の取組", codes=("062049", "062014"))  # takes part elsewhere
    found = municipalities_of(initiative)
    assert _fields(found) == _fields(_orm(initiative))
    assert sorted(m.lg_code for m in found if m.taking_part) == sorted(codes)
    assert len(found) == Municipality.objects.count()
