"""The live status board: who has submitted, per municipality and per region."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

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


def board_for(user, survey) -> dict:
    """Every followed municipality with its state and its last reminder, in code order."""
    # Each municipality's extension read with it, in the same query.
    extension = DeadlineExtension.objects.filter(survey=survey, municipality=OuterRef("pk"))
    targets = followed(user, survey).annotate(
        extended_until=Subquery(extension.values("until")),
        extension_reason=Subquery(extension.values("reason")))
    targets = list(targets)
    responses = {r.municipality_id: r for r in SurveyResponse.objects.filter(
        survey=survey, municipality__in=targets).only(
        "municipality_id", "status", "is_late", "submitted_at")}
    reminders = {}
    for delivery in ReminderDelivery.objects.filter(
            survey=survey, sent_at__isnull=False, municipality__in=targets).order_by("sent_at"):
        reminders[delivery.municipality_id] = delivery
    # Notices exist only once staff have asked for answers: no query before that.
    notices = {notice.municipality_id: notice for notice in OpeningNotice.objects.filter(
        survey=survey, municipality__in=targets)} if survey.requested_at else {}
    names = labels()
    rows = [(m, state_of(responses.get(m.pk)), responses.get(m.pk), reminders.get(m.pk))
            for m in targets]
    states = {m.pk: state for m, state, _response, _reminder in rows}
    everyone = Municipality.objects.select_related("region")
    tile_map = build_tile_map(
        everyone, title=_("Answers to %(title)s") % {"title": survey.title},
        classify=lambda m: (f"tile--state-{states[m.pk]}", names[states[m.pk]])
        if m.pk in states else ("tile--not-targeted", _("not asked")),
        legend_order=[f"tile--state-{key}" for key in names] + ["tile--not-targeted"])
    regions = {}
    for municipality, state, _response, _reminder in rows:
        counts = regions.setdefault(municipality.region, dict.fromkeys(names, 0))
        counts[state] += 1
    return {
        "rows": [(m, names[state], state, response, reminder, notices.get(m.pk))
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
