"""Which municipalities work together: pairs sharing initiatives, for the dashboard's network.

The published initiatives' pairs are kept counted in ``NetworkLink`` as initiatives change
(every signed-in user sees every published initiative); the unpublished ones a user sees
are few and paired when asked, in the same query."""

from collections import Counter
from itertools import combinations

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.signals import m2m_changed, post_save, pre_delete

from portal.models import Municipality

from .models import Initiative, NetworkLink, NetworkMember

# An initiative with more participants joins everyone with everyone: it says little about
# who works with whom.
MOST_PARTICIPANTS = 12
Participation = Initiative.municipalities.through


def _counted(members, *, scope: str, is_published: bool) -> frozenset:
    """The participants an initiative adds to ``NetworkLink``: none unless it is published,
    not prefecture-wide, and has two to ``MOST_PARTICIPANTS`` participants."""
    members = frozenset(members)
    if not is_published or scope == Initiative.Scope.PREFECTURE \
            or not 2 <= len(members) <= MOST_PARTICIPANTS:
        return frozenset()
    return members


def _pairs(members) -> set:
    return set(combinations(sorted(members), 2))


def _shift(pairs: set, by: int) -> None:
    if not pairs:
        return
    if by > 0:  # a pair never linked before gets its row first
        NetworkLink.objects.bulk_create(
            [NetworkLink(municipality_a_id=a, municipality_b_id=b) for a, b in sorted(pairs)],
            ignore_conflicts=True)
    which = Q()
    for a, b in pairs:
        which |= Q(municipality_a_id=a, municipality_b_id=b)
    # Locked in one order, so two initiatives saved at once cannot wait on each other.
    ids = list(NetworkLink.objects.select_for_update().filter(which).order_by(
        "municipality_a", "municipality_b").values_list("pk", flat=True))
    NetworkLink.objects.filter(pk__in=ids).update(shared=F("shared") + by)


def refresh(initiative_id: int, *, removed: bool = False) -> None:
    """Brings ``NetworkLink`` in step with one initiative as it now is (``removed``: as if it
    were gone): takes out the pairs it was counted with and adds those it now has. Running it
    again changes nothing."""
    with transaction.atomic():
        row = None if removed else Initiative.objects.select_for_update().filter(
            pk=initiative_id).values("scope", "is_published").first()
        now = frozenset() if row is None else _counted(
            Participation.objects.filter(initiative_id=initiative_id).values_list(
                "municipality_id", flat=True), **row)
        before = frozenset(NetworkMember.objects.filter(initiative_id=initiative_id)
                           .values_list("municipality_id", flat=True))
        if now == before:
            return
        old_pairs, new_pairs = _pairs(before), _pairs(now)
        _shift(new_pairs - old_pairs, +1)
        _shift(old_pairs - new_pairs, -1)
        NetworkMember.objects.filter(initiative_id=initiative_id,
                                     municipality_id__in=before - now).delete()
        NetworkMember.objects.bulk_create([
            NetworkMember(initiative_id=initiative_id, municipality_id=m)
            for m in sorted(now - before)])


def rebuild() -> int:
    """``NetworkLink`` counted afresh from every initiative, after writes that bypass the
    signals (bulk loads); the number of pairs linked."""
    members = {}
    for initiative_id, municipality_id in Participation.objects.filter(
            initiative__is_published=True).exclude(
            initiative__scope=Initiative.Scope.PREFECTURE).values_list(
            "initiative_id", "municipality_id").order_by():
        members.setdefault(initiative_id, []).append(municipality_id)
    counted = {pk: ids for pk, ids in members.items()
               if _counted(ids, scope="", is_published=True)}
    pairs = Counter(pair for ids in counted.values() for pair in _pairs(ids))
    with transaction.atomic():
        NetworkMember.objects.all().delete()
        NetworkLink.objects.all().delete()
        NetworkLink.objects.bulk_create(
            [NetworkLink(municipality_a_id=a, municipality_b_id=b, shared=n)
             for (a, b), n in sorted(pairs.items())], batch_size=1000)
        NetworkMember.objects.bulk_create(
            [NetworkMember(initiative_id=pk, municipality_id=m)
             for pk, ids in counted.items() for m in sorted(ids)], batch_size=5000)
    return len(pairs)


def strongest_links(visible, limit: int) -> list[tuple[str, str, int]]:
    """The ``limit`` pairs of municipalities sharing the most of the ``visible`` initiatives
    that are not prefecture-wide and have at most ``MOST_PARTICIPANTS`` participants, as
    (団体コード, 団体コード, shared initiatives), the smaller code first; most shared first,
    ties by the codes. One query: the kept counts of the published ones plus the visible
    unpublished ones paired on the spot."""
    unpublished = visible.filter(is_published=False).exclude(
        scope=Initiative.Scope.PREFECTURE).order_by().values("pk")
    unpublished_sql, params = unpublished.query.sql_with_params()
    quote = connection.ops.quote_name
    through, place, link = (quote(model._meta.db_table)
                            for model in (Participation, Municipality, NetworkLink))
    # The unpublished participants are read once, from the index, with their initiative's
    # size; the pair is counted once, its lower id first, and the codes put in order on the
    # 595 pairs rather than on every row.
    sql = f"""
        WITH member AS (
            SELECT t.initiative_id, t.municipality_id,
                   COUNT(*) OVER (PARTITION BY t.initiative_id) AS size
            FROM {through} t WHERE t.initiative_id IN ({unpublished_sql})
        )
        SELECT CASE WHEN ma.lg_code < mb.lg_code THEN ma.lg_code ELSE mb.lg_code END AS low,
               CASE WHEN ma.lg_code < mb.lg_code THEN mb.lg_code ELSE ma.lg_code END AS high,
               pair.shared
        FROM (
            SELECT a_id, b_id, SUM(n) AS shared FROM (
                SELECT municipality_a_id AS a_id, municipality_b_id AS b_id, shared AS n
                FROM {link} WHERE shared > 0
                UNION ALL
                SELECT a.municipality_id, b.municipality_id, COUNT(*)
                FROM member a
                JOIN member b ON b.initiative_id = a.initiative_id
                    AND b.municipality_id > a.municipality_id
                WHERE a.size <= %s
                GROUP BY a.municipality_id, b.municipality_id
            ) part
            GROUP BY a_id, b_id
        ) pair
        JOIN {place} ma ON ma.id = pair.a_id
        JOIN {place} mb ON mb.id = pair.b_id
        ORDER BY pair.shared DESC, low, high
        LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, MOST_PARTICIPANTS, limit))
        return [(low, high, int(shared)) for low, high, shared in cursor.fetchall()]


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(instance.pk)


def _removed(sender, instance, **kwargs):
    refresh(instance.pk, removed=True)


def _participants_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh(instance.pk)
        return
    # A municipality whose initiatives changed; cleared, those it was counted in.
    ids = pk_set if pk_set is not None else NetworkMember.objects.filter(
        municipality=instance).values_list("initiative_id", flat=True)
    for initiative_id in sorted(ids):
        refresh(initiative_id)


def connect() -> None:
    post_save.connect(_saved, sender=Initiative, dispatch_uid="network-saved")
    pre_delete.connect(_removed, sender=Initiative, dispatch_uid="network-removed")
    m2m_changed.connect(_participants_changed, sender=Participation,
                        dispatch_uid="network-participants")
