"""The catalogue's CSV export, read as plain rows in chunks, writes byte for byte what a plain
reading of each initiative as a model would: the same cells, the BOM, CRLF, the formula guard
and the 団体コード cell, across chunk boundaries and for the rows that have no links at all."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from collaboration import exports
from collaboration.models import Initiative, Method, PolicyField
from portal.lib.japanese import fiscal_year_label
from portal.lib.spreadsheets import code_cell, safe_row
from portal.models import Organisation

pytestmark = pytest.mark.django_db
BASE = "http://testserver"


def expected_csv(initiatives) -> bytes:
    """The export written out one model instance at a time, the slow and obvious way."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(exports.columns()))
    for item in initiatives:
        methods = sorted(item.methods.all(), key=lambda m: (m.sort_order, m.pk))
        fields = sorted(item.policy_fields.all(), key=lambda f: (f.sort_order, f.pk))
        towns = sorted(item.municipalities.all(), key=lambda m: m.lg_code)
        writer.writerow(safe_row([
            item.pk, item.title, str(item.category), "、".join(m.name for m in methods),
            "、".join(f.name for f in fields), str(item.lead_organisation or ""),
            "、".join(m.name for m in towns), code_cell(" ".join(m.lg_code for m in towns)),
            item.get_scope_display(), item.outside_prefecture, item.get_status_display(),
            item.start_year or "", fiscal_year_label(item.start_year) if item.start_year else "",
            item.end_year or "", fiscal_year_label(item.end_year) if item.end_year else "",
            item.get_funding_display() if item.funding else "", "はい" if item.is_model else "",
            item.spread_from_id or "", "はい" if item.is_published else "いいえ",
            "はい" if item.is_demo else "", item.summary, BASE + item.get_absolute_url()]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@pytest.fixture
def varied(initiative_factory, settings):
    """Initiatives with every kind of cell: many links, none, formulas, quotes, years."""
    settings.LANGUAGE_CODE = "ja"
    lead = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).first()
    methods = list(Method.objects.values_list("name", flat=True))
    fields = list(PolicyField.objects.values_list("name", flat=True))
    first = initiative_factory("=HYPERLINK(\"x\")", codes=("063657", "062014", "062022"),
                               methods=methods[::-1][:4], fields=fields[::-1][:3],
                               start_year=2018, end_year=2026, funding="grant",
                               is_model=True, lead_organisation=lead, summary="-1+2, \"引用\"")
    # Links stored against the export's order, so it is the export that puts them in order.
    for relation in (first.municipalities, first.methods, first.policy_fields):
        linked = sorted(relation.all(), key=lambda other: other.pk, reverse=True)
        relation.clear()
        for other in linked:
            relation.add(other)
    initiative_factory("@県外の事例", codes=(), methods=(), fields=(), scope="outside",
                       outside_prefecture="宮城県", published=False, start_year=1988,
                       spread_from=first, summary="+改行\r\nを含む概要")
    for n in range(7):
        initiative_factory(f"水道事業 {n}", codes=("062014",) if n % 2 else (),
                           start_year=2019 + n if n % 3 else None, is_demo=n == 4)
    return Initiative.objects.order_by("-updated_at", "-id")


def test_the_export_writes_what_a_plain_reading_of_each_initiative_would(varied, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)  # rows on both sides of a chunk's end
    response = exports.csv_response(varied, BASE)
    assert b"".join(response.streaming_content) == expected_csv(varied)


def test_the_exported_view_is_the_same_for_two_users_of_the_same_organisation(
        varied, municipal_user, client):
    from tests.factories import UserFactory

    colleague = UserFactory(organisation=municipal_user.organisation, username="yamagata-2")
    bodies = []
    for user in (municipal_user, colleague):
        signed_in = Client()
        signed_in.force_login(user)
        response = signed_in.get(reverse("initiative_export_csv"))
        bodies.append(b"".join(response.streaming_content))
    assert bodies[0] == bodies[1]
    table = list(csv.reader(io.StringIO(bodies[0].decode("utf-8-sig"), newline="")))
    shown = {int(row[0]) for row in table[1:]}
    assert Initiative.objects.get(title="@県外の事例").pk not in shown  # unpublished: not theirs
    guarded = next(row for row in table[1:] if row[1].startswith("'="))
    assert guarded[1] == "'=HYPERLINK(\"x\")" and guarded[7] == '="062014 062022 063657"'


def test_the_participants_export_lists_each_municipality_in_code_order(varied, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 4)
    body = b"".join(exports.participants_csv_response(varied, BASE).streaming_content)
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    expected = [[str(item.pk), safe_row([item.title])[0], f'="{town.lg_code}"', town.name]
                for item in varied
                for town in sorted(item.municipalities.all(), key=lambda m: m.lg_code)]
    assert table[1:] == expected


def test_an_outsider_gets_no_export_without_a_login(client):
    response = client.get(reverse("initiative_export_csv"))
    assert response.status_code == 302 and "/login/" in response["Location"]
