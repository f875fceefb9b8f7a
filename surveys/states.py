"""The survey year: 準備中 → 回答受付中 → 締切 → 集計確定 → 結果公開.

The first three follow from the dates (before the opening, until the deadline, after it), so
they are never stored twice; moving the deadline moves the state. 集計確定 and 結果公開 are
prefecture staff's decisions, stored as the time they were made (``finalised_at``,
``results_published_at``).

What each state allows:
- 準備中: building; municipalities do not see the survey.
- 回答受付中: answering, proxy answers, extensions, reminders.
- 締切: the same; an answer submitted now is marked late unless the municipality's extended
  deadline has not passed.
- 集計確定: answers, returns, proxy answers, extensions and reminders are frozen; the results
  are final.
- 結果公開: as 集計確定, and the municipalities that answered see the results.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.lib import caching
from portal.lib.permissions import can

from .extensions import deadlines
from .models import Survey
from .policies import RUN

PREPARING, OPEN, CLOSED, FINALISED, PUBLISHED = (
    "preparing", "open", "closed", "finalised", "published")
ORDER = (PREPARING, OPEN, CLOSED, FINALISED, PUBLISHED)


def labels() -> dict[str, str]:
    return {PREPARING: pgettext("survey year", "in preparation"),
            OPEN: pgettext("survey year", "accepting answers"),
            CLOSED: pgettext("survey year", "closed"),
            FINALISED: pgettext("survey year", "results finalised"),
            PUBLISHED: pgettext("survey year", "results published")}


def state_of(survey: Survey, now=None) -> str:
    now = now or timezone.now()
    if survey.results_published_at is not None:
        return PUBLISHED
    if survey.finalised_at is not None:
        return FINALISED
    if now < survey.opens_at:
        return PREPARING
    return OPEN if now <= survey.deadline else CLOSED


def label_of(survey: Survey, now=None) -> str:
    return labels()[state_of(survey, now)]


def steps(survey: Survey, now=None) -> list[tuple[str, str, bool]]:
    """The five states for the progress line: (key, label, is the current one)."""
    current = state_of(survey, now)
    return [(key, label, key == current) for key, label in labels().items()]


class Move:
    """A move staff can make from a state: its key (the URL), what the button and the
    confirmation say."""

    def __init__(self, key, source, button, question, done):
        self.key, self.source = key, source
        self.button, self.question, self.done = button, question, done


def moves() -> dict[str, Move]:
    return {
        "close": Move("close", OPEN, _("Close answers now"), _(
            "Move the deadline to now? Municipalities without an extension that submit after "
            "this are marked late."), _("The deadline is now; the survey is closed.")),
        "finalise": Move("finalise", CLOSED, _("Finalise the results"), _(
            "Finalise the results? Answers can no longer be saved, submitted, returned or "
            "entered on a municipality's behalf, and no more reminders go out."),
            _("The results are finalised.")),
        "reopen": Move("reopen", FINALISED, _("Undo the finalising"), _(
            "Undo the finalising? Answers can be changed again (after the deadline they are "
            "marked late)."), _("The finalising has been undone.")),
        "publish": Move("publish", FINALISED, _("Publish the results"), _(
            "Publish the results to the municipalities that submitted an answer?"),
            _("The results are published to the municipalities that answered.")),
        "unpublish": Move("unpublish", PUBLISHED, _("Withdraw the published results"), _(
            "Withdraw the results? The municipalities no longer see them."),
            _("The results are no longer published.")),
    }


def running_extensions(survey: Survey, now=None) -> int:
    """Municipalities whose extended deadline has not passed: finalising ends it for them."""
    now = now or timezone.now()
    return sum(1 for extension in deadlines(survey).values() if extension.until > now)


def available_moves(user, survey: Survey, now=None) -> list[Move]:
    if not can(user, RUN, survey):
        return []
    current = state_of(survey, now)
    return [move for move in moves().values() if move.source == current]


@transaction.atomic
def move_survey(*, actor, survey: Survey, move: str, named: bool = False,
                now=None) -> Survey:
    """Moves the survey one step, as confirmed on its page: ``close`` (the deadline becomes
    now), ``finalise``, ``reopen``, ``publish`` (``named``: the municipalities see the named
    answers too, else the totals only) or ``unpublish``. A move that does not start from the
    survey's state is refused with a message; the change is in the audit trail."""
    if not can(actor, RUN, survey):
        raise PermissionDenied
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    chosen = moves().get(move)
    if chosen is None:
        raise ValidationError(_("Unknown step."))
    if state_of(survey, now) != chosen.source:
        raise ValidationError(_("The survey is %(state)s; this step is not possible now.")
                              % {"state": label_of(survey, now)})
    if move == "close":
        survey.deadline = now
    elif move == "finalise":
        survey.finalised_at = now
    elif move == "reopen":
        survey.finalised_at = None
    elif move == "publish":
        survey.results_published_at, survey.results_named = now, named
    else:
        survey.results_published_at = None
    survey.save()
    caching.bump("surveys")
    return survey
