"""What an agenda item may point to, found by searching titles within the user's scope."""

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from portal.lib.permissions import VIEW, scope

LIMIT = 20  # results per kind; a longer list is narrowed by a longer search


def _kinds():
    from collaboration.models import Initiative, Theme
    from surveys.models import Survey

    return {"theme": (Theme, _("Theme")), "initiative": (Initiative, _("Initiative")),
            "survey": (Survey, _("Survey results"))}


def search(user, words: str) -> list[tuple[str, str]]:
    """``(value, label)`` pairs for a select: themes, initiatives and surveys whose title
    contains every word."""
    terms = words.split()[:5]
    if not terms:
        return []
    condition = Q()
    for term in terms:
        condition &= Q(title__icontains=term[:50])
    choices = []
    for key, (model, label) in _kinds().items():
        for pk, title in scope(user, VIEW, model.objects.filter(condition)).order_by(
                "title").values_list("pk", "title")[:LIMIT]:
            choices.append((f"{key}:{pk}", f"{label}：{title}"))
    return choices


def current(item) -> list[tuple[str, str]]:
    """The item's present link, so a form shows it without a search."""
    for key, (_model, label) in _kinds().items():
        target = getattr(item, key)
        if target is not None:
            return [(f"{key}:{target.pk}", f"{label}：{target.title}")]
    return []


def resolve(user, value: str):
    """The object behind ``kind:id``, looked up in the user's scope; "" means no link."""
    if not value:
        return None
    key, _sep, pk = value.partition(":")
    kinds = _kinds()
    if key not in kinds or not pk.isdigit():
        raise Http404
    target = scope(user, VIEW, kinds[key][0].objects.filter(pk=int(pk))).first()
    if target is None:
        raise Http404
    return target
