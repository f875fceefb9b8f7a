"""The number of initiatives the similar cases weigh terms by (``_frequencies_and_total``) is
read from the catalogue's tally: it is the number of initiatives as they are added and
removed, and counted when the tally is empty."""

import pytest

from collaboration import similarity
from collaboration.models import FacetTally, Initiative

pytestmark = pytest.mark.django_db


def _total() -> int:
    return similarity._frequencies_and_total(["除雪", "f:1"])[1]


def test_the_total_is_the_number_of_initiatives(initiative_factory):
    made = [initiative_factory(f"除雪の共同化{n}", published=n % 2 == 0) for n in range(5)]
    similarity.index_initiatives([case.pk for case in made])
    assert _total() == Initiative.objects.count() == 5
    made[0].delete()
    Initiative.objects.filter(pk=made[1].pk).delete()
    assert _total() == Initiative.objects.count() == 3
    FacetTally.objects.all().delete()
    assert _total() == 3
