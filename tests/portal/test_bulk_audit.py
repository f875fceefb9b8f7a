"""Every write to a tracked model is audited, whether saved one by one or in bulk."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured

from portal.lib import audit
from portal.lib.audited import AuditedQuerySet
from portal.models import AuditEntry, Municipality, Region, Report
from tests.meetings.conftest import make_council, make_meeting

pytestmark = pytest.mark.django_db


def entries(model, action):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                     action=action)


def test_agenda_items_made_with_a_meeting_are_audited(prefecture_user):
    from meetings.models import AgendaItem

    with audit.acting_as(prefecture_user):
        meeting = make_meeting(prefecture_user, make_council(prefecture_user))
    items = {str(item.pk): item.title for item in meeting.agenda.all()}
    recorded = {entry.object_id: entry for entry in entries(AgendaItem, "create")}
    assert set(recorded) == set(items) and len(items) == 2
    for key, entry in recorded.items():
        assert entry.actor == prefecture_user
        assert entry.changes["title"] == [None, items[key]]
        assert entry.changes["meeting"] == [None, str(meeting)]


def test_every_tracked_model_records_its_bulk_writes():
    for model in audit._tracked:
        for manager in model._meta.managers:
            assert issubclass(manager._queryset_class, AuditedQuerySet), (model, manager.name)
        # Related managers (meeting.agenda …) are built on the default manager's class.
        assert issubclass(model._default_manager.__class__._queryset_class, AuditedQuerySet)


def test_a_model_with_a_plain_manager_cannot_be_tracked():
    with pytest.raises(ImproperlyConfigured):
        audit.track(Report)
    assert Report not in audit._tracked


def test_bulk_update_and_queryset_update_are_audited_with_before_and_after(prefecture_user):
    mogami, okura = Municipality.objects.filter(lg_code__in=["063657", "063622"]
                                                ).order_by("lg_code")
    with audit.acting_as(prefecture_user):
        okura.kana, mogami.kana = "おおくら", "もがみ"
        Municipality.objects.bulk_update([okura, mogami], ["kana"])
        Municipality.objects.filter(pk=okura.pk).update(
            region=Region.objects.get(code="shonai"))
    updates = {entry.object_id: entry.changes for entry in entries(Municipality, "update")}
    assert updates[str(mogami.pk)] == {"kana": ["もがみまち", "もがみ"]}
    okura_entries = list(entries(Municipality, "update").filter(object_id=str(okura.pk))
                         .order_by("id").values_list("changes", "actor"))
    assert okura_entries == [({"kana": ["おおくらむら", "おおくら"]}, prefecture_user.pk),
                             ({"region": ["最上", "庄内"]}, prefecture_user.pk)]


def test_a_bulk_write_that_changes_nothing_tracked_records_nothing():
    from collaboration.models import Initiative
    from tests.collaboration.conftest import make_initiative

    initiative = make_initiative("水道事業の広域連携")
    before = AuditEntry.objects.count()
    Initiative.objects.filter(pk=initiative.pk).update(search_text="x")  # not tracked
    Municipality.objects.filter(lg_code="063657").update(kana="おおくらむら")  # unchanged
    assert AuditEntry.objects.count() == before


def test_an_upsert_that_could_not_be_recorded_is_refused():
    region = Region.objects.get(code="shonai")
    with pytest.raises(ValueError, match="audited"):
        Region.objects.bulk_create([region], update_conflicts=True, unique_fields=["code"],
                                   update_fields=["name"])
