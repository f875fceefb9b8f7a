"""The live status board: who has submitted, per municipality and per region."""

import datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.lib.links import by_lg_code
from portal.lib.tilemap import build_tile_map
from portal.models import Municipality

from .models import DeadlineExtension, OpeningNotice, ReminderDelivery, SurveyResponse
from .policies import followed

NOT_STARTED, DRAFT, SUBMITTED, LATE, RETURNED = "not_started", "draft", "submitted", "late", \
    "returned"


def labels():
    return {NOT_STARTED: pgettext("survey state", "not started"),
            DRAFT: pgettext("survey state", "draft"),
            SUBMITTED: pgettext("survey state", "submitted"),
            LATE: pgettext("survey state", "submitted late"),
            RETURNED: pgettext("survey state", "returned")}


def state_of(response) -> str:
    if response is None:
        return NOT_STARTED
    if response.status == SurveyResponse.Status.SUBMITTED:
        return LATE if response.is_late else SUBMITTED
    return RETURNED if response.status == SurveyResponse.Status.RETURNED else DRAFT


# Every municipality (the map shows them all) with its answer, deadline extension, last
# reminder sent and request to answer for one survey: one statement written out, where the
# ORM spent more time building twelve subqueries than the database spent answering them.
_SURVEY_ROWS = """
SELECT m.id, m.lg_code, m.name, m.tile_col, m.tile_row,
       r.id, r.status, r.is_late, r.submitted_at, e.until, e.reason,
       d.id, d.step, d.sent_at, n.id, n.sent_at, n.recipients
FROM {municipality} m
LEFT JOIN {response} r ON r.survey_id = %(survey)s AND r.municipality_id = m.id
LEFT JOIN {extension} e ON e.survey_id = %(survey)s AND e.municipality_id = m.id
LEFT JOIN {reminder} d ON d.id = (
    SELECT x.id FROM {reminder} x
    WHERE x.survey_id = %(survey)s AND x.municipality_id = m.id AND x.sent_at IS NOT NULL
    ORDER BY x.sent_at DESC, x.id DESC LIMIT 1)
LEFT JOIN {notice} n ON n.survey_id = %(survey)s AND n.municipality_id = m.id
ORDER BY m.lg_code"""
# The columns of a map's tile, as ``Municipality.objects.only`` would read them.
TILE_FIELDS = ("id", "lg_code", "name", "tile_col", "tile_row")


def _aware(moment):
    # SQLite gives a raw statement's moments without their zone; they are stored in UTC.
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, datetime.UTC)
    return moment


def _survey_rows(survey) -> list[tuple]:
    """(municipality with its tile's fields, answer, extension's (until, reason) or None,
    last reminder sent, request to answer) for every municipality, in code order."""
    names = {key: connection.ops.quote_name(model._meta.db_table) for key, model in (
        ("municipality", Municipality), ("response", SurveyResponse),
        ("extension", DeadlineExtension), ("reminder", ReminderDelivery),
        ("notice", OpeningNotice))}
    with connection.cursor() as cursor:
        cursor.execute(_SURVEY_ROWS.format(**names), {"survey": survey.pk})
        found = cursor.fetchall()
    rows = []
    for (pk, lg_code, name, tile_col, tile_row, response_id, status, is_late, submitted_at,
         until, reason, reminder_id, step, sent_at, notice_id, notice_sent_at,
         recipients) in found:
        m = Municipality.from_db(connection.alias, TILE_FIELDS,
                                 (pk, lg_code, name, tile_col, tile_row))
        response = None if response_id is None else SurveyResponse(
            pk=response_id, survey=survey, municipality_id=pk, status=status,
            is_late=bool(is_late), submitted_at=_aware(submitted_at))
        reminder = None if reminder_id is None else ReminderDelivery(
            pk=reminder_id, survey=survey, municipality_id=pk, step=step,
            sent_at=_aware(sent_at))
        # Notices exist only once staff have asked for answers.
        notice = None if notice_id is None or not survey.requested_at else OpeningNotice(
            pk=notice_id, survey=survey, municipality_id=pk, sent_at=_aware(notice_sent_at),
            recipients=recipients)
        rows.append((m, response, None if until is None else (_aware(until), reason),
                     reminder, notice))
    return rows


def board_for(user, survey) -> dict:
    """Every followed municipality with its state and its last reminder, in code order."""
    targets = list(followed(user, survey))
    # The map shows every municipality; only the followed ones are read beyond their place.
    everyone, responses, reminders, notices, extensions = [], {}, {}, {}, {}
    for m, response, extension, reminder, notice in _survey_rows(survey):
        everyone.append(m)
        responses[m.pk], reminders[m.pk], notices[m.pk] = response, reminder, notice
        extensions[m.pk] = extension or (None, None)
    for m in targets:
        m.extended_until, m.extension_reason = extensions[m.pk]
        for row in (responses[m.pk], reminders[m.pk], notices[m.pk]):
            if row is not None:
                row.municipality = m
    names = labels()
    rows = [(m, state_of(responses.get(m.pk)), responses.get(m.pk), reminders.get(m.pk))
            for m in targets]
    states = {m.pk: state for m, state, _response, _reminder in rows}
    tile_map = build_tile_map(
        everyone, title=_("Answers to %(title)s") % {"title": survey.title},
        classify=lambda m: (f"tile--state-{states[m.pk]}", names[states[m.pk]])
        if m.pk in states else ("tile--not-targeted", _("not asked")),
        legend_order=[f"tile--state-{key}" for key in names] + ["tile--not-targeted"])
    regions = {}
    for municipality, state, _response, _reminder in rows:
        counts = regions.setdefault(municipality.region, dict.fromkeys(names, 0))
        counts[state] += 1
    links = {name: by_lg_code(f"survey_{name}", survey.pk)
             for name in ("response", "extend", "proxy")}
    return {
        "rows": [(m, names[state], state, response, reminder, notices.get(m.pk),
                  {name: link(m.lg_code) for name, link in links.items()})
                 for m, state, response, reminder in rows],
        "requested": survey.requested_at is not None,
        # Asked for and open, but no notice claimed yet: the sending task waits for a worker.
        "opening_due": survey.is_open(),
        "tile_map": tile_map,
        "regions": [(region, [counts[key] for key in names])
                    for region, counts in sorted(regions.items(), key=lambda i: i[0].sort_order)],
        "state_labels": list(names.values()),
        "submitted": sum(1 for _m, state, _r, _d in rows if state in (SUBMITTED, LATE)),
        "total": len(rows),
    }
