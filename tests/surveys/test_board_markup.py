"""The board's rows written in Python are the rows the template's loop wrote."""

import datetime
import itertools

import pytest
from django.template import engines
from django.utils import timezone, translation

from surveys import board, board_markup
from surveys.models import (
    DeadlineExtension,
    OpeningNotice,
    ReminderDelivery,
    Survey,
    SurveyResponse,
)
from tests.factories import municipality

pytestmark = pytest.mark.django_db

# The loop as the template wrote it before the rows were written in Python.
TEMPLATE_ROWS = """{% load i18n japanese %}  {% for municipality, label, state, response, reminder, notice, links in rows %}
    <tr class="state state--{{ state }}">
      <td><code>{{ municipality.lg_code }}</code></td>
      <td>{% if state == "submitted" or state == "late" or state == "returned" %}<a href="{{ links.response }}">{{ municipality.name }}</a>{% else %}{{ municipality.name }}{% endif %}</td>
      <td><span class="badge badge--state-{{ state }}">{{ label }}</span></td>
      <td>{% if response.submitted_at %}{{ response.submitted_at|wareki_datetime }}{% else %}—{% endif %}</td>
      <td>{% if notice.sent_at %}{{ notice.sent_at|wareki_datetime }}{% if not notice.recipients %} ({% translate "nobody to send to" %}){% endif %}{% elif notice %}{% translate "sending" %}{% elif requested and opening_due %}{% translate "queued to send" %}{% elif requested %}{% translate "waiting for the opening" %}{% else %}{% translate "not sent" %}{% endif %}</td>
      <td>{% if reminder %}{{ reminder.sent_at|wareki_datetime }} ({{ reminder.step_label }}){% else %}—{% endif %}</td>
      <td>{% if municipality.extended_until %}{{ municipality.extended_until|wareki_datetime }}<br><span class="note">{{ municipality.extension_reason }}</span>{% else %}—{% endif %}</td>
      {% if can_extend or can_proxy %}<td class="row-actions">{% if can_extend %}<a href="{{ links.extend }}">{% translate "Extend" %}<span class="visually-hidden"> {{ municipality.name }}</span></a>{% endif %}{% if can_proxy and state != "submitted" and state != "late" %} <a href="{{ links.proxy }}">{% translate "Enter on its behalf" %}<span class="visually-hidden"> {{ municipality.name }}</span></a>{% endif %}</td>{% endif %}
    </tr>
  {% endfor %}"""  # noqa: E501


def _answer(survey, code, status="submitted", late=False):
    SurveyResponse.objects.create(
        survey=survey, municipality=municipality(code), status=status, is_late=late,
        submitted_at=timezone.now() if status == "submitted" else None, answers={})


@pytest.fixture
def busy_survey(survey):
    """Every state, reminders sent and claimed, extensions, notices sent, being sent and
    sent to nobody."""
    _answer(survey, "062014")
    _answer(survey, "062022", late=True)
    _answer(survey, "063657", status="draft")
    _answer(survey, "062031", status="returned")
    hour = datetime.timedelta(hours=1)
    for code, step, ago in (("062014", "-7", 3), ("062014", "-1", 1),
                            ("062022", "now-2026-12-01", 1), ("063657", "-3", None),
                            ("064611", "+0", 2)):
        ReminderDelivery.objects.create(
            survey=survey, municipality=municipality(code), step=step,
            sent_at=None if ago is None else timezone.now() - ago * hour)
    DeadlineExtension.objects.create(survey=survey, municipality=municipality("062031"),
                                     until=survey.deadline + 24 * hour,
                                     reason='災害対応 <b>"A&B"</b>')
    return survey


def _notices(survey):
    Survey.objects.filter(pk=survey.pk).update(requested_at=timezone.now())
    survey.refresh_from_db()
    OpeningNotice.objects.create(survey=survey, municipality=municipality("062014"),
                                 sent_at=timezone.now(), recipients=2)
    OpeningNotice.objects.create(survey=survey, municipality=municipality("062022"),
                                 sent_at=timezone.now(), recipients=0)
    OpeningNotice.objects.create(survey=survey, municipality=municipality("063657"))
    return survey


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("requested", [False, True])
def test_the_rows_are_written_as_the_template_wrote_them(busy_survey, prefecture_user,
                                                         branch_user, language, requested):
    survey = _notices(busy_survey) if requested else busy_survey
    template = engines["django"].from_string(TEMPLATE_ROWS)
    with translation.override(language):
        for user, (can_extend, can_proxy) in itertools.product(
                (prefecture_user, branch_user), itertools.product((False, True), repeat=2)):
            shown = board.board_for(user, survey)
            expected = template.render({**shown, "can_extend": can_extend,
                                        "can_proxy": can_proxy})
            written = board_markup.rows(shown, can_extend=can_extend, can_proxy=can_proxy)
            assert "  " + written == expected, (user.username, can_extend, can_proxy)
    everyone = board_markup.rows(board.board_for(prefecture_user, survey), can_extend=True,
                                 can_proxy=True)
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in everyone and "<b>" not in everyone


def test_a_survey_that_has_not_opened_waits_for_its_opening(survey, prefecture_user):
    later = timezone.now() + datetime.timedelta(days=3)
    Survey.objects.filter(pk=survey.pk).update(requested_at=timezone.now(), opens_at=later,
                                               deadline=later + datetime.timedelta(days=14))
    survey.refresh_from_db()
    with translation.override("ja"):
        shown = board.board_for(prefecture_user, survey)
        expected = engines["django"].from_string(TEMPLATE_ROWS).render(
            {**shown, "can_extend": True, "can_proxy": True})
        written = board_markup.rows(shown, can_extend=True, can_proxy=True)
    assert "  " + written == expected
    assert written.count("開始待ち") == 35
