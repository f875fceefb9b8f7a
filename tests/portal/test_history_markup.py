"""The change history's rows, written in Python (portal/lib/history_markup.py), are the
markup the table's template loop wrote, byte for byte: the same escaping, the same words."""

import datetime

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.lib import audit
from portal.lib.audit import Change, HistoryRow
from portal.models import AuditEntry, Municipality
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# portal/_history.html as it was before its rows were written in Python.
TEMPLATE_WRITTEN_HISTORY = """{% load i18n japanese %}
<section aria-labelledby="history-title" class="history">
  <h2 id="history-title">{% translate "Change history" %}</h2>
  {% if history %}
  <table class="table table--history">
    <caption class="visually-hidden">{% translate "Change history, newest first" %}</caption>
    <thead>
      <tr>
        <th scope="col">{% translate "When" %}</th>
        <th scope="col">{% translate "Who" %}</th>
        <th scope="col">{% translate "What" %}</th>
        <th scope="col">{% translate "Changes" %}</th>
      </tr>
    </thead>
    <tbody>
      {% for row in history %}
      <tr>
        <td>{{ row.entry.at|wareki_datetime }}</td>
        <td>{{ row.who|default:_("system") }}</td>
        <td>{{ row.entry.object_repr }}<br><span class="badge">{{ row.entry.get_action_display }}</span>{% if row.entry.note %} <span class="history__note">{{ row.entry.note }}</span>{% endif %}</td>
        <td>
          {% if row.changes %}
          <ul class="changes">
            {% for change in row.changes %}
            <li><span class="changes__label">{{ change.label }}</span>: {% if change.before is not None %}<del>{{ change.before }}</del> → {% endif %}<ins>{{ change.after|default_if_none:"—" }}</ins></li>
            {% endfor %}
          </ul>
          {% endif %}
        </td>
      </tr>
      {% endfor %}
    </tbody>
  </table>
  {% else %}
  <p>{% translate "No changes have been recorded yet." %}</p>
  {% endif %}
</section>
"""  # noqa: E501


def both_ways(history) -> tuple[str, str]:
    old = engines["django"].from_string(TEMPLATE_WRITTEN_HISTORY).render({"history": history})
    return old, render_to_string("portal/_history.html", {"history": history})


def rows() -> list[HistoryRow]:
    actor = UserFactory(last_name="<山形>", first_name="花子 & 太郎")
    at = timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 5))
    entry = AuditEntry(at=at, actor=actor, action=AuditEntry.Action.UPDATE,
                       object_repr='水道 <b>"広域"</b> & 連携', note="<注記> & '引用'")
    gone = AuditEntry(at=at - datetime.timedelta(days=400), actor_name="退職者 <元>",
                      action=AuditEntry.Action.CREATE, object_repr="新規")
    system = AuditEntry(at=at, action=AuditEntry.Action.PUBLISH, object_repr="公開")
    returned = AuditEntry(at=at, action="unknown", object_repr="")
    return [
        HistoryRow(entry, [Change("題名 <title>", "旧 & <古>", "新 \"新しい\""),
                           Change("件数", 1234, 5678.5), Change("公開", True, False),
                           Change("作成", None, "初版"), Change("削除", "あった", None),
                           Change("両方", None, None), Change("一覧", ["a", "<b>"], [])]),
        HistoryRow(gone, []),
        HistoryRow(system, [Change("状態", "", "")]),
        HistoryRow(returned, []),
    ]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("count", [0, 1, 4])
def test_the_rows_are_written_as_the_template_wrote_them(language, count):
    history = rows()[:count]
    with translation.override(language):
        old, new = both_ways(history)
    assert new == old
    assert new.count("<tr>") == (count + 1 if count else 0)
    if count:
        assert "&lt;注記&gt; &amp; &#x27;引用&#x27;" in new and "<b>" not in new


def test_a_recorded_history_is_written_as_the_template_wrote_it(portal_admin):
    okura = Municipality.objects.get(lg_code="063657")
    for kana in ("おおくら<", "おおくら&"):
        okura.kana = kana
        okura.save()
    history = audit.history_for(portal_admin, okura)
    assert len(history) >= 2
    with translation.override("ja"):
        old, new = both_ways(history)
    assert new == old and "おおくら&amp;" in new and "システム" in new
