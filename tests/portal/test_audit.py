import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.lib import audit
from portal.models import AuditEntry, Municipality, Region, StatisticValue
from portal.services.statistics_import import import_statistics
from tests.conftest import need_service

pytestmark = pytest.mark.django_db


def entries_for(obj, action="update"):
    """Entries about ``obj``; the reference data loaded for every test recorded its creation."""
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                     object_id=str(obj.pk), action=action)


def admin_form(municipality, **overrides):
    data = {"lg_code": municipality.lg_code, "name": municipality.name,
            "kana": municipality.kana, "kind": municipality.kind,
            "region": municipality.region_id, "subarea": municipality.subarea_id or "",
            "tile_col": municipality.tile_col, "tile_row": municipality.tile_row,
            "latitude": municipality.latitude, "longitude": municipality.longitude}
    return {**data, **overrides}


def test_a_change_in_the_admin_is_recorded_with_who_when_and_before_after(
        client, portal_admin):
    okura = Municipality.objects.get(lg_code="063657")
    client.force_login(portal_admin)
    client.post(reverse("admin:portal_municipality_change", args=[okura.pk]),
                admin_form(okura, kana="おおくら"), REMOTE_ADDR="192.0.2.44")
    entry = entries_for(okura).get()
    assert entry.action == "update" and entry.actor == portal_admin
    assert entry.actor_name == portal_admin.display_name
    assert entry.ip_address == "192.0.2.44"
    assert entry.changes == {"kana": ["おおくらむら", "おおくら"]}


def test_related_objects_and_choices_are_recorded_as_people_read_them(prefecture_user):
    okura = Municipality.objects.get(lg_code="063657")
    with audit.acting_as(prefecture_user):
        okura.region = Region.objects.get(code="shonai")
        okura.kind = "town"
        okura.save()
    assert entries_for(okura).get().changes == {"region": ["最上", "庄内"], "kind": ["村", "町"]}


def test_saving_without_a_change_records_nothing():
    okura = Municipality.objects.get(lg_code="063657")
    okura.save()
    assert not entries_for(okura).exists()


def test_creation_and_deletion_are_recorded_with_the_owner(prefecture_user):
    okura = Municipality.objects.get(lg_code="063657")
    with audit.acting_as(prefecture_user):
        figure = StatisticValue.objects.create(municipality=okura, indicator="population",
                                               year=2025, value=3000, source="出典",
                                               as_of="2025-10-01")
        figure_id = figure.pk
        figure.delete()
    actions = list(AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(StatisticValue),
        object_id=str(figure_id)).values_list("action", "owner_id"))
    assert sorted(actions) == [("create", str(okura.pk)), ("delete", str(okura.pk))]


def test_passwords_are_recorded_as_changed_but_never_shown(municipal_user):
    municipal_user.set_password("Another-long-password-2026")
    municipal_user.save()
    entry = entries_for(municipal_user).order_by("-id").first()
    assert entry.changes == {"password": ["********", "********"]}


def test_a_statistics_import_records_every_figure_on_its_municipality(prefecture_user):
    content = ("lg_code,year,indicator,value,source,as_of\n"
               "063657,2025,population,3000,出典,2025-10-01\n").encode()
    import_statistics(content=content, filename="stats.csv")
    import_statistics(content=content.replace(b"3000", b"2990"), filename="fix.csv")
    import_statistics(content=content.replace(b"3000", b"2990"), filename="again.csv")
    okura = Municipality.objects.get(lg_code="063657")
    rows = [row for row in audit.history_for(prefecture_user, okura)
            if row.entry.content_type.model == "statisticvalue"]
    assert [(row.entry.action, row.entry.note) for row in rows] == [
        ("update", "fix.csv から取り込み"), ("create", "stats.csv から取り込み")]
    assert rows[0].changes[0].label == "値" and (rows[0].changes[0].before,
                                                 rows[0].changes[0].after) == ("3000", "2990")


def test_prefecture_staff_read_the_history_on_the_municipality_page(client, prefecture_user,
                                                                   municipal_user):
    okura = Municipality.objects.get(lg_code="063657")
    with audit.acting_as(prefecture_user):
        okura.kana = "おおくら"
        okura.save()
    url = reverse("municipality_detail", args=["063657"])
    client.force_login(prefecture_user)
    page = client.get(url).content.decode()
    assert "変更履歴" in page
    assert "<del>おおくらむら</del>" in page and "<ins>おおくら</ins>" in page
    client.force_login(municipal_user)
    assert "変更履歴" not in client.get(url).content.decode()


def test_the_audit_trail_cannot_be_changed_through_the_model(prefecture_user):
    okura = Municipality.objects.get(lg_code="063657")
    entry = audit.record(okura, "submit", note="確認")
    entry.note = "改ざん"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.needs_postgres
def test_postgresql_refuses_to_update_or_delete_audit_rows():
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    okura = Municipality.objects.get(lg_code="063657")
    audit.record(okura, "submit")
    for statement in (lambda: AuditEntry.objects.update(note="x"),
                      lambda: AuditEntry.objects.all().delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            statement()


def test_the_admin_lists_the_trail_read_only(client, portal_admin):
    okura = Municipality.objects.get(lg_code="063657")
    entry = audit.record(okura, "submit")
    client.force_login(portal_admin)
    assert client.get(reverse("admin:portal_auditentry_changelist")).status_code == 200
    change_url = reverse("admin:portal_auditentry_change", args=[entry.pk])
    page = client.get(change_url).content.decode()
    assert 'name="note"' not in page  # shown, not editable
    assert client.post(change_url, {"note": "x"}).status_code == 403
    delete_url = reverse("admin:portal_auditentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.parametrize("role", ["prefecture", "branch", "municipal"])
def test_other_roles_cannot_read_the_trail(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.get(reverse("admin:portal_auditentry_changelist"))
    assert response.status_code == 302


def test_the_history_reads_as_people_speak(client, prefecture_user):
    """公開 → 非公開 rather than False → True, the time in Japan, people by name and
    organisation, choices by their label."""
    import datetime

    import time_machine

    from collaboration.models import Initiative
    from collaboration.services.initiatives import initiative_publish
    from tests.collaboration.conftest import make_initiative

    initiative = make_initiative("読める履歴の取組み", published=False)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 44, tzinfo=datetime.UTC)):
        with audit.acting_as(prefecture_user):
            initiative_publish(actor=prefecture_user, initiative=initiative)
            initiative.status = Initiative.Status.DONE
            initiative.save()
    client.force_login(prefecture_user)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "<del>非公開</del> → <ins>公開</ins>" in page
    assert "<del>実施中</del> → <ins>完了</ins>" in page
    assert "令和8年12月1日(火) 17:44" in page
    assert f"{prefecture_user.display_name}（{prefecture_user.organisation.name}）" in page
    assert "False" not in page and "True" not in page


def test_the_history_reads_the_entries_and_actors_the_orm_reads(
        users_by_role, prefecture_user, portal_admin, django_assert_num_queries):
    from django.db.models import Q

    from tests.factories import UserFactory

    okura = Municipality.objects.get(lg_code="063657")
    unattached = UserFactory(username="no-organisation", organisation=None)
    for n, actor in enumerate([prefecture_user, unattached, None, portal_admin]):
        with audit.acting_as(actor):
            okura.kana = f"おおくら{n}"
            okura.save()
            # A figure of the municipality: an entry owned by it.
            StatisticValue.objects.update_or_create(
                municipality=okura, indicator="population", year=2020 + n,
                defaults={"value": 3000 + n, "source": "国勢調査", "as_of": "2020-10-01"})
    kind = ContentType.objects.get_for_model(Municipality)
    # An account gone: its name kept with the entry.
    AuditEntry.objects.create(actor=None, actor_name="退職した職員", action="update",
                              content_type=kind, object_id=str(okura.pk), object_repr="大蔵村",
                              changes={"kana": ["おおくら", "おおくらむら"]})
    expected = list(AuditEntry.objects.filter(
        Q(content_type=kind, object_id=str(okura.pk)) | Q(owner_type=kind,
                                                          owner_id=str(okura.pk))
    ).select_related("actor__organisation")[:9])
    assert len(expected) == 9
    assert {e.actor_id for e in expected} == {prefecture_user.pk, unattached.pk, None,
                                              portal_admin.pk}
    for role, user in users_by_role.items():
        with CaptureQueriesContext(connection) as queries:
            rows = audit.history_for(user, okura, limit=9)
        # The entries with their actors and organisations in one statement, no more after.
        assert sum("portal_auditentry" in q["sql"] for q in queries.captured_queries) <= 1
        assert len(queries.captured_queries) <= 2, role  # and whether the reader may change it
        if not user.is_prefecture and not audit.can(user, audit.CHANGE, okura):
            assert rows == [], role
            continue
        with django_assert_num_queries(0):
            read = [(r.entry.pk, r.entry.at, r.entry.action, r.entry.object_repr,
                     r.entry.note, r.entry.changes, r.who) for r in rows]
        assert read == [
            (e.pk, e.at, e.action, e.object_repr, e.note, e.changes,
             e.actor.name_and_organisation if e.actor else e.actor_name)
            for e in expected], role
    with django_assert_num_queries(1):  # asked already whether the reader may change it
        assert len(audit.history_for(prefecture_user, okura, limit=9, may_change=False)) == 9
