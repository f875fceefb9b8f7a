"""The live status board: who has submitted, per municipality and per region."""

from django.db.models import OuterRef, Subquery
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


def _first(queryset, field: str):
    return Subquery(queryset.values(field)[:1])


def _with_survey_rows(targets, survey):
    """The municipalities ``targets`` with their answer's state, their extension, their last
    reminder and their request to answer: one query."""
    mine = {"survey": survey, "municipality": OuterRef("pk")}
    response = SurveyResponse.objects.filter(**mine)
    extension = DeadlineExtension.objects.filter(**mine)
    reminder = ReminderDelivery.objects.filter(**mine, sent_at__isnull=False).order_by(
        "-sent_at", "-pk")
    rows = targets.annotate(
        response_id=_first(response, "id"),
        response_status=_first(response, "status"),
        response_is_late=_first(response, "is_late"),
        response_submitted_at=_first(response, "submitted_at"),
        extended_until=_first(extension, "until"),
        extension_reason=_first(extension, "reason"),
        reminder_id=_first(reminder, "id"),
        reminder_step=_first(reminder, "step"),
        reminder_sent_at=_first(reminder, "sent_at"))
    if survey.requested_at:  # notices exist only once staff have asked for answers
        notice = OpeningNotice.objects.filter(**mine)
        rows = rows.annotate(notice_id=_first(notice, "id"),
                             notice_sent_at=_first(notice, "sent_at"),
                             notice_recipients=_first(notice, "recipients"))
    return rows


def _answer_of(m, survey):
    if m.response_id is None:
        return None
    return SurveyResponse(pk=m.response_id, survey=survey, municipality=m,
                          status=m.response_status, is_late=m.response_is_late,
                          submitted_at=m.response_submitted_at)


def _last_reminder_of(m, survey):
    if m.reminder_id is None:
        return None
    return ReminderDelivery(pk=m.reminder_id, survey=survey, municipality=m,
                            step=m.reminder_step, sent_at=m.reminder_sent_at)


def _notice_of(m, survey):
    if getattr(m, "notice_id", None) is None:
        return None
    return OpeningNotice(pk=m.notice_id, survey=survey, municipality=m,
                         sent_at=m.notice_sent_at, recipients=m.notice_recipients)


def board_for(user, survey) -> dict:
    """Every followed municipality with its state and its last reminder, in code order."""
    targets = list(_with_survey_rows(followed(user, survey), survey))
    # The map shows every municipality; only the followed ones are read beyond their place.
    everyone = Municipality.objects.only("lg_code", "name", "tile_col", "tile_row")
    responses = {m.pk: _answer_of(m, survey) for m in targets}
    reminders = {m.pk: _last_reminder_of(m, survey) for m in targets}
    notices = {m.pk: _notice_of(m, survey) for m in targets}
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
