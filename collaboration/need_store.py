"""The similar cases of needs, kept: a municipality's page (横展開の候補) and a survey's results
(its shared needs) read them in one query instead of scoring the similar-cases index, which
took about 20 ms of either page's cold build on the decade data set.

A need is not a row of its own (it is what an answer, or the answers that chose a label,
ask), so its list is found by the digest of what it asks and of the synonym dictionary it is
asked with: a need asked differently is another list. A list is made the first time its need
is asked for: the ``KEPT`` best of the very candidates the page's lookup scores, for a reader
who sees every initiative. A reader who may not see some of them (or whose municipality takes
part in them) gets the list without those, unless fewer than the shown remain: then the page
looks up, as its scope may reach further. When initiatives are indexed the lists asked for
most recently are made afresh (``REFRESHED_AT_MOST``), the others are dropped and made again
when next asked for."""

import hashlib
import json
import logging
from itertools import islice

from django.db import DatabaseError, connection, transaction

from . import similarity
from .models import Initiative, NeedCase, NeedList
from .selectors import visible_initiatives
from .synonyms import digest as synonyms_digest

KEPT = 20
# Lists one task makes afresh (each a lookup of about 15 ms on the decade data set, several
# needs at a time) and lists kept at all: a year's surveys ask a few dozen needs.
REFRESHED_AT_MOST = 200
_MADE_TOGETHER = 10
logger = logging.getLogger(__name__)
# Each need is scored as if asked alone, however many its page asks together, so its list
# does not depend on the others (a lookup of several shares its bound of index rows).
ALONE = similarity.ROWS_PER_LOOKUP


def _asked(need: similarity.Need) -> dict:
    return {"title": need.title, "text": need.text, "field_names": list(need.field_names),
            "method_names": list(need.method_names)}


def _key(need: similarity.Need, synonyms: str) -> str:
    return hashlib.sha256(json.dumps([_asked(need), synonyms], ensure_ascii=False,
                                     sort_keys=True).encode()).hexdigest()


# Written out (``similarity.KEPT_COLUMNS``); the visible condition is the reader's scope.
_READ = f"""
SELECT l.key, {similarity.KEPT_COLUMNS}, {{seen}}
FROM collaboration_needlist l
LEFT JOIN collaboration_needcase c ON c.need_list_id = l.id
LEFT JOIN collaboration_initiative i ON i.id = c.case_id
LEFT JOIN collaboration_category k ON k.id = i.category_id
WHERE l.key IN ({{keys}}) ORDER BY l.key, c.score DESC, c.case_id"""


def _rows(user, keys: list[str], exclude_municipality) -> list[tuple]:
    """(key, whether ``user`` may see the case, then ``similarity.kept_suggestion``'s row) of
    each case of these keys' lists; a list without cases gives one row of NULLs."""
    seen, params = similarity.seen_sql(visible_initiatives(user),
                                       exclude_municipality=exclude_municipality)
    sql = _READ.format(seen=seen, keys=", ".join(["%s"] * len(keys)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *keys])
        rows = cursor.fetchall()
    return [(key, bool(shown), similarity.kept_row(row)) for key, *row, shown in rows]


def _read(user, keys: list[str], exclude_municipality, limit: int,
          framework: list[tuple[list, list]]) -> dict[str, list | None]:
    """Key → its kept list as ``user`` may see it, in one query; None when it hides too much
    of it from ``user``; keys without a list are left out."""
    rows: dict[str, list] = {}
    for key, seen, row in _rows(user, keys, exclude_municipality):
        found = rows.setdefault(key, [])
        if row[0] is not None:  # a need like no initiative has a list without cases
            found.append((seen, row))
    answers = {}
    for key, (fields, methods) in zip(keys, framework, strict=True):
        if key not in rows:
            continue
        seen = [row for shown, row in rows[key] if shown]
        if len(seen) < limit and len(seen) < len(rows[key]):
            answers[key] = None
        else:
            answers[key] = [similarity.kept_suggestion(row, fields, methods)
                            for row in seen[:limit]]
    return answers


def _made(needs: list[similarity.Need], framework=None) -> list[list[similarity.Suggestion]]:
    """Each need's ``KEPT`` best among the candidates its lookup alone scores."""
    return similarity.similar_to_needs(None, needs, limit=KEPT, visible=Initiative.objects.all(),
                                       candidates_for=similarity.SHOWN, rows_per_need=ALONE,
                                       framework=framework)


def _cases(lists: dict[int, list]) -> list[NeedCase]:
    return [NeedCase(need_list_id=pk, case_id=suggestion.initiative.pk, score=suggestion.score,
                     words=suggestion.words) for pk, found in lists.items() for suggestion in found]


def _keep(keys: list[str], needs: list[similarity.Need], framework) -> bool:
    """Makes and keeps the lists of these needs; whether they were kept. Another request
    keeping the same list at the same moment keeps the same rows, so whichever inserts second
    inserts nothing; a list that could not be kept is made again when next asked for."""
    made = _made(needs, framework)
    try:
        with transaction.atomic():
            # A list kept meanwhile is left as it is; its id comes back all the same.
            lists = NeedList.objects.bulk_create(
                [NeedList(key=key, need=_asked(need))
                 for key, need in zip(keys, needs, strict=True)],
                update_conflicts=True, unique_fields=["key"], update_fields=["key"])
            NeedCase.objects.bulk_create(_cases({kept.pk: found for kept, found
                                                 in zip(lists, made, strict=True)}),
                                         ignore_conflicts=True)
    except DatabaseError:
        logger.exception("Could not keep the similar cases of %d needs", len(needs))
        return False
    return True


def similar_to_needs(user, needs: list[similarity.Need], *, exclude_municipality=None,
                     limit: int = similarity.SHOWN) -> list[list[similarity.Suggestion]]:
    """``similarity.similar_to_needs``, each need as if asked alone, from the needs' kept
    lists where they answer for ``user`` (made and kept the first time a need is asked for),
    else looked up."""
    if not needs:
        return []
    # Only a need with text is asked with the dictionary (``similarity.similar_to_needs``).
    digest = synonyms_digest() if any(need.text for need in needs) else ""
    keys = [_key(need, digest if need.text else "") for need in needs]
    framework = similarity.needs_framework(needs)
    found = _read(user, keys, exclude_municipality, limit, framework)
    new = list({key: n for n, key in reversed(list(enumerate(keys))) if key not in found}
               .values())  # each need without a list once (two shared needs may ask alike)
    if new and _keep([keys[n] for n in new], [needs[n] for n in new],
                     [framework[n] for n in new]):
        found.update(_read(user, [keys[n] for n in new], exclude_municipality, limit,
                           [framework[n] for n in new]))
    hidden = [n for n, key in enumerate(keys) if found.get(key) is None]
    if hidden:  # no list, or one that hides too much from ``user``: looked up
        for n, suggestions in zip(hidden, similarity.similar_to_needs(
                user, [needs[n] for n in hidden], exclude_municipality=exclude_municipality,
                limit=limit, rows_per_need=ALONE, framework=[framework[n] for n in hidden]),
                strict=True):
            found[keys[n]] = suggestions
    return [found[key] for key in keys]


def similar_to_need(user, need: similarity.Need, *, exclude_municipality=None,
                    limit: int = similarity.SHOWN) -> list[similarity.Suggestion]:
    """``similar_to_needs`` of one need (横展開の候補 with ``exclude_municipality``)."""
    return similar_to_needs(user, [need], exclude_municipality=exclude_municipality,
                            limit=limit)[0]


def refresh() -> int:
    """Makes afresh the lists asked for most recently (after initiatives were indexed: any of
    them may now be like a need) and drops the rest; how many lists were made."""
    kept = list(NeedList.objects.order_by("-asked_at", "-pk")
                .values_list("pk", "need")[:REFRESHED_AT_MOST])
    NeedList.objects.exclude(pk__in=[pk for pk, _need in kept]).delete()
    rows = iter(kept)
    while chunk := list(islice(rows, _MADE_TOGETHER)):
        made = _made([similarity.Need(**need) for _pk, need in chunk])
        with transaction.atomic():
            NeedCase.objects.filter(need_list_id__in=[pk for pk, _need in chunk]).delete()
            NeedCase.objects.bulk_create(_cases({pk: found for (pk, _need), found
                                                 in zip(chunk, made, strict=True)}))
    return len(kept)
