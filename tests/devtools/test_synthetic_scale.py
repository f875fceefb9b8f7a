"""The generator at a tiny scale: every kind of row in proportion to the scale (so --scale 10
is ten times --scale 1), the similar-cases index as the portal's own rebuild makes it, and the
audit trail written with COPY read back like any other entry."""

import pytest
from django.core.management import call_command

from collaboration import similarity
from collaboration.models import Initiative, SimilarityGram, SimilarityTerm
from devtools.synthetic import audit, collaboration, meetings, similar, surveys
from meetings.models import Meeting
from portal.models import AuditEntry
from surveys.models import Survey

pytestmark = pytest.mark.django_db
SCALE = 0.01


def index_rows():
    return (sorted(SimilarityTerm.objects.values_list("gram", "documents")),
            sorted((i, g, round(w, 9)) for i, g, w in SimilarityGram.objects.values_list(
                "initiative_id", "gram", "weight")))


def test_the_generator_makes_rows_in_proportion_to_the_scale(capsys):
    from devtools.demo.portal import create_demo_users

    create_demo_users()
    call_command("generate_demo_data", "--scale", str(SCALE))
    assert Initiative.objects.filter(title__startswith="【合成】").count() == \
        round(collaboration.INITIATIVES_AT_SCALE_ONE * SCALE) == 100
    assert Survey.objects.filter(title__startswith="【合成】").count() == \
        max(1, round(surveys.SURVEYS_AT_SCALE_ONE * SCALE))
    assert Meeting.objects.filter(title__startswith="【合成】").count() == \
        round(meetings.MEETINGS_AT_SCALE_ONE * SCALE) == 3
    entries = AuditEntry.objects.filter(note=audit.NOTE)
    assert entries.count() == round(audit.ENTRIES_PER_MONTH_AT_SCALE_ONE * SCALE) * audit.MONTHS
    # COPY wrote what bulk_create would: JSON changes, addresses, actors, owners.
    entry = entries.filter(action=AuditEntry.Action.UPDATE).first()
    assert isinstance(entry.changes, dict) and entry.changes
    assert entry.ip_address.startswith("192.0.2.") and entry.actor_name
    assert entries.exclude(owner_id="").filter(owner_type__isnull=False).exists()
    assert SimilarityGram.objects.values("initiative_id").distinct().count() == \
        Initiative.objects.count()
    # At scale 10 the same constants give the nation-sized data set.
    assert collaboration.INITIATIVES_AT_SCALE_ONE * 10 == 100_000
    assert surveys.SURVEYS_AT_SCALE_ONE * 10 == 200 and meetings.MEETINGS_AT_SCALE_ONE * 10 \
        == 3000


def test_the_bulk_index_holds_the_rows_the_portal_rebuild_makes(monkeypatch):
    collaboration.generate_initiatives(45, seed=4)
    monkeypatch.setattr(similar, "CHUNK", 10)  # across chunk boundaries
    assert similar.rebuild_index() == 45
    bulk = index_rows()
    assert similarity.rebuild_index() == 45
    assert index_rows() == bulk and bulk[1]
