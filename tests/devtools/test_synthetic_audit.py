from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from devtools.demo.portal import create_demo_statistics
from devtools.synthetic import GENERATORS
from devtools.synthetic.audit import (
    NOTE,
    build_entries,
    generate_audit,
    generate_for_scale,
)
from devtools.synthetic.collaboration import generate_initiatives
from devtools.synthetic.meetings import generate_meetings
from devtools.synthetic.surveys import generate_surveys
from portal.models import AuditEntry, Municipality, StatisticValue
from surveys.models import Survey, SurveyResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def synthetic_rows():
    generate_initiatives(30, seed=1)
    generate_surveys(2, seed=1)
    generate_meetings(10, seed=1)
    create_demo_statistics()


def synthetic():
    return AuditEntry.objects.filter(note=NOTE)


def test_the_audit_generator_runs_after_the_rows_it_is_about():
    assert [name for name, _ in GENERATORS] == [
        "initiatives", "surveys", "meetings", "similar cases", "audit"]


def test_entries_are_spread_evenly_over_the_last_120_months(synthetic_rows):
    assert generate_for_scale(scale=0.001, seed=1) == "240 synthetic audit entries over 120 months"
    months = Counter(timezone.localtime(at).strftime("%Y-%m")
                     for at in synthetic().values_list("at", flat=True))
    assert len(months) == 120 and set(months.values()) == {2}
    assert max(months) == timezone.localdate().strftime("%Y-%m")
    assert not synthetic().filter(at__gt=timezone.now()).exists()


def test_entries_name_existing_objects_and_owners_like_the_tracker(synthetic_rows):
    generate_audit(40, months=12, seed=1)
    entries = synthetic()
    assert entries.count() == 480
    assert not entries.filter(actor__isnull=True).exists()
    assert not entries.filter(actor_name="").exists()
    assert entries.values("content_type").distinct().count() >= 5
    response_type = ContentType.objects.get_for_model(SurveyResponse)
    survey_type = ContentType.objects.get_for_model(Survey)
    opened = dict(Survey.objects.values_list("pk", "opens_at"))
    for entry in entries.filter(content_type=response_type):
        response = SurveyResponse.objects.get(pk=entry.object_id)
        assert (entry.owner_type, entry.owner_id) == (survey_type, str(response.survey_id))
        assert entry.at >= opened[response.survey_id]  # nothing before the survey opened
    statistic_type = ContentType.objects.get_for_model(StatisticValue)
    municipality_type = ContentType.objects.get_for_model(Municipality)
    statistics = entries.filter(content_type=statistic_type)
    assert statistics.exists()
    for entry in statistics:
        value = StatisticValue.objects.get(pk=entry.object_id)
        assert (entry.owner_type, entry.owner_id) == (municipality_type, str(value.municipality_id))


def test_the_same_seed_gives_the_same_entries(synthetic_rows):
    now = timezone.now()

    def fingerprint(seed):
        return [(e.at, e.actor_id, e.action, e.content_type_id, e.object_id, e.changes)
                for e in build_entries(per_month=5, months=24, seed=seed, now=now)]

    first = fingerprint(1)
    assert len(first) == 120
    assert fingerprint(1) == first
    assert fingerprint(2) != first

