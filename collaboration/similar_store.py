"""Each initiative's most similar cases, kept: its page reads them in one query instead of
scoring the similar-cases index (two queries, 8 of a lookup's 13 ms on the decade data set).

A list holds the ``KEPT`` best of the very candidates the page's own lookup scores, for a
reader who sees every initiative, so its first five are the page's five. A reader who may not
see some of them gets the list without those, unless fewer than the shown remain: then the
page looks up, as its scope may reach further. When an initiative is indexed
(``collaboration/tasks.py``) its list is made afresh, and so are the lists of its similar cases
(their lists may now hold it), ``REFRESHED_AT_MOST`` lists a task; the other lists that held
it drop it until the nightly rebuild makes every list afresh. An initiative without a list
(not made yet, or beyond a task's bound) is looked up."""

from django.db import connection, transaction
from django.db.models import Q

from . import need_store, similarity
from .models import Initiative, SimilarCase

KEPT = 20
# Lists one task makes afresh, each a lookup (about 13 ms on the decade data set).
REFRESHED_AT_MOST = 400
# Written out (``similarity.KEPT_COLUMNS``); the visible condition is the reader's scope.
_READ = f"""
SELECT {{seen}}, {similarity.KEPT_COLUMNS}
FROM collaboration_similarcase c
JOIN collaboration_initiative i ON i.id = c.case_id
JOIN collaboration_category k ON k.id = i.category_id
WHERE c.initiative_id = %s ORDER BY c.score DESC, c.case_id"""


def kept_for(user, initiative, fields, methods, limit: int) -> list | None:
    """The kept list of ``initiative`` as the lookup (``similarity.similar_to_initiative``)
    gives it to ``user``; None when it has none or hides too much of it from ``user``."""
    from .selectors import visible_initiatives

    seen, params = similarity.seen_sql(visible_initiatives(user))
    with connection.cursor() as cursor:
        cursor.execute(_READ.format(seen=seen), [*params, initiative.pk])
        rows = cursor.fetchall()
    seen = [similarity.kept_row(row[1:]) for row in rows if row[0]]
    if not rows or (len(seen) < limit and len(seen) < len(rows)):
        return None
    return [similarity.kept_suggestion(row, fields, methods, initiative.category_id)
            for row in seen[:limit]]


def similar_to_initiative(user, initiative, *, fields=None, methods=None,
                          limit: int = similarity.SHOWN) -> list:
    """The other initiatives ``user`` may see that are most like ``initiative``: its kept list
    where that answers for ``user``, else looked up (``similarity.similar_to_initiative``)."""
    fields = list(initiative.policy_fields.all()) if fields is None else fields
    methods = list(initiative.methods.all()) if methods is None else methods
    found = kept_for(user, initiative, fields, methods, limit)
    if found is None:
        found = similarity.similar_to_initiative(user, initiative, fields=fields,
                                                 methods=methods, limit=limit)
    return found


def _loaded(ids) -> list[Initiative]:
    return list(similarity._with_relations(Initiative.objects.filter(pk__in=list(ids)))
                .select_related("category").only("pk", "title", "summary", "body",
                                                 "category_id", "category__name")
                .order_by("pk"))


def _lists(initiatives) -> dict[int, list]:
    """Each initiative's ``KEPT`` best among the candidates its page's lookup scores."""
    everything = Initiative.objects.all()
    lists = {}
    for initiative in initiatives:
        query = similarity.initiative_query(initiative, list(initiative.policy_fields.all()),
                                            list(initiative.methods.all()))
        lists[initiative.pk] = similarity._suggest_all(
            None, [query], limit=KEPT, visible=everything, candidates_for=similarity.SHOWN)[0]
    return lists


def _rows(lists: dict[int, list]) -> list[SimilarCase]:
    return [SimilarCase(initiative_id=pk, case_id=suggestion.initiative.pk,
                        score=suggestion.score, words=suggestion.words)
            for pk, found in lists.items() for suggestion in found]


def refresh(ids) -> int:
    """Makes afresh the lists of these initiatives (just indexed) and of their similar cases,
    and takes them out of the other lists; how many lists were made."""
    ids = sorted(set(ids))
    lists = _lists(_loaded(ids[:REFRESHED_AT_MOST]))
    near = dict.fromkeys(suggestion.initiative.pk for found in lists.values()
                         for suggestion in found if suggestion.initiative.pk not in lists)
    room = max(0, REFRESHED_AT_MOST - len(lists))
    lists.update(_lists(_loaded(list(near)[:room])))
    with transaction.atomic():
        SimilarCase.objects.filter(Q(initiative_id__in=[*ids, *lists])
                                   | Q(case_id__in=ids)).delete()
        SimilarCase.objects.bulk_create(_rows(lists), batch_size=2000)
    return len(lists)


def rebuild(*, chunk: int = 500) -> int:
    """Every initiative's list afresh (after the index is rebuilt), a chunk of lists per
    transaction: pages read the old lists until theirs is replaced, and a change's task
    never waits for the whole rebuild."""
    made, last = 0, 0
    while batch := _loaded(Initiative.objects.filter(pk__gt=last).order_by("pk")
                           .values_list("pk", flat=True)[:chunk]):
        rows = _rows(_lists(batch))
        with transaction.atomic():
            SimilarCase.objects.filter(initiative_id__in=[i.pk for i in batch]).delete()
            SimilarCase.objects.bulk_create(rows, batch_size=2000)
        made, last = made + len(batch), batch[-1].pk
    if not connection.in_atomic_block:
        # Fresh rows have no planner statistics: the page's read of its list took 13 ms
        # (a scan of every list) instead of 1 until analysed.
        similarity._analyse(SimilarCase)
    return made


def rebuild_all() -> int:
    """The similar-cases index afresh, then every kept list from it (the needs' too); how
    many initiatives."""
    indexed = similarity.rebuild_index()
    rebuild()
    need_store.refresh()
    return indexed
