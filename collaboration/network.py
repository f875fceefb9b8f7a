"""Which municipalities work together: pairs sharing initiatives, for the dashboard's network.

The pairs are kept counted in ``NetworkLink`` as initiatives change, published and unpublished
apart: who sees every initiative reads both counts; anyone else the published ones (every
signed-in user sees those) plus the few unpublished ones they see, paired in the same query."""

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


def _counted(members, scope: str) -> frozenset:
    """The participants an initiative adds to ``NetworkLink``: none if it is prefecture-wide
    or has fewer than two or more than ``MOST_PARTICIPANTS``."""
    members = frozenset(members)
    if scope == Initiative.Scope.PREFECTURE or not 2 <= len(members) <= MOST_PARTICIPANTS:
        return frozenset()
    return members


def _pairs(members) -> set:
    return set(combinations(sorted(members), 2))


def _column(published: bool) -> str:
    return "shared" if published else "unpublished"


def _shift(pairs: set, by: int, published: bool) -> None:
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
    column = _column(published)
    NetworkLink.objects.filter(pk__in=ids).update(**{column: F(column) + by})


def refresh(initiative_id: int, *, removed: bool = False) -> None:
    """Brings ``NetworkLink`` in step with one initiative as it now is (``removed``: as if it
    were gone): takes out the pairs it was counted with and adds those it now has. Running it
    again changes nothing."""
    with transaction.atomic():
        row = None if removed else Initiative.objects.select_for_update().filter(
            pk=initiative_id).values("scope", "is_published").first()
        now = frozenset() if row is None else _counted(
            Participation.objects.filter(initiative_id=initiative_id).values_list(
                "municipality_id", flat=True), row["scope"])
        published = row is not None and row["is_published"]
        kept = list(NetworkMember.objects.filter(initiative_id=initiative_id)
                    .values_list("municipality_id", "published"))
        before = frozenset(m for m, _published in kept)
        was_published = bool(kept) and kept[0][1]
        if now == before and (published == was_published or not now):
            return
        old_pairs, new_pairs = _pairs(before), _pairs(now)
        if published == was_published:
            _shift(new_pairs - old_pairs, +1, published)
            _shift(old_pairs - new_pairs, -1, published)
        else:
            _shift(new_pairs, +1, published)
            _shift(old_pairs, -1, was_published)
        NetworkMember.objects.filter(initiative_id=initiative_id).exclude(
            municipality_id__in=now).delete()
        NetworkMember.objects.filter(initiative_id=initiative_id).update(published=published)
        NetworkMember.objects.bulk_create([
            NetworkMember(initiative_id=initiative_id, municipality_id=m, published=published)
            for m in sorted(now - before)])


def rebuild() -> int:
    """``NetworkLink`` counted afresh from every initiative, after writes that bypass the
    signals (bulk loads); the number of pairs linked."""
    members, published = {}, {}
    for initiative_id, municipality_id, is_published in Participation.objects.exclude(
            initiative__scope=Initiative.Scope.PREFECTURE).values_list(
            "initiative_id", "municipality_id", "initiative__is_published").order_by():
        members.setdefault(initiative_id, []).append(municipality_id)
        published[initiative_id] = is_published
    counted = {pk: ids for pk, ids in members.items() if _counted(ids, "")}
    pairs = {True: Counter(), False: Counter()}
    for pk, ids in counted.items():
        pairs[published[pk]].update(_pairs(ids))
    with transaction.atomic():
        NetworkMember.objects.all().delete()
        NetworkLink.objects.all().delete()
        NetworkLink.objects.bulk_create(
            [NetworkLink(municipality_a_id=a, municipality_b_id=b, shared=pairs[True][a, b],
                         unpublished=pairs[False][a, b])
             for a, b in sorted(set(pairs[True]) | set(pairs[False]))], batch_size=1000)
        NetworkMember.objects.bulk_create(
            [NetworkMember(initiative_id=pk, municipality_id=m, published=published[pk])
             for pk, ids in counted.items() for m in sorted(ids)], batch_size=5000)
    return len(set(pairs[True]) | set(pairs[False]))


def strongest_links(visible, limit: int) -> list[tuple[str, str, int]]:
    """The ``limit`` pairs of municipalities sharing the most of the ``visible`` initiatives
    that are not prefecture-wide and have at most ``MOST_PARTICIPANTS`` participants, as
    (団体コード, 団体コード, shared initiatives), the smaller code first; most shared first,
    ties by the codes. One query: the kept counts, and for a user who does not see every
    initiative, the unpublished ones they see paired on the spot."""
    quote = connection.ops.quote_name
    through, place, link = (quote(model._meta.db_table)
                            for model in (Participation, Municipality, NetworkLink))
    if not visible.query.has_filters():  # every initiative: the kept counts say it all
        member, counted, params = "", f"""
                SELECT municipality_a_id AS a_id, municipality_b_id AS b_id,
                       shared + unpublished AS n
                FROM {link} WHERE shared + unpublished > 0""", ()
    else:
        unpublished = visible.filter(is_published=False).exclude(
            scope=Initiative.Scope.PREFECTURE).order_by().values("pk")
        unpublished_sql, params = unpublished.query.sql_with_params()
        # The unpublished participants are read once, from the index, with their
        # initiative's size; each pair is counted once, its lower id first.
        member = f"""WITH member AS (
            SELECT t.initiative_id, t.municipality_id,
                   COUNT(*) OVER (PARTITION BY t.initiative_id) AS size
            FROM {through} t WHERE t.initiative_id IN ({unpublished_sql})
        )
        """
        counted = f"""
                SELECT municipality_a_id AS a_id, municipality_b_id AS b_id, shared AS n
                FROM {link} WHERE shared > 0
                UNION ALL
                SELECT a.municipality_id, b.municipality_id, COUNT(*)
                FROM member a
                JOIN member b ON b.initiative_id = a.initiative_id
                    AND b.municipality_id > a.municipality_id
                WHERE a.size <= %s
                GROUP BY a.municipality_id, b.municipality_id"""
        params = (*params, MOST_PARTICIPANTS)
    # The codes are put in order on the 595 pairs rather than on every row.
    sql = f"""{member}SELECT
               CASE WHEN ma.lg_code < mb.lg_code THEN ma.lg_code ELSE mb.lg_code END AS low,
               CASE WHEN ma.lg_code < mb.lg_code THEN mb.lg_code ELSE ma.lg_code END AS high,
               pair.shared
        FROM (SELECT a_id, b_id, SUM(n) AS shared FROM ({counted}) part GROUP BY a_id, b_id
        ) pair
        JOIN {place} ma ON ma.id = pair.a_id
        JOIN {place} mb ON mb.id = pair.b_id
        ORDER BY pair.shared DESC, low, high
        LIMIT %s"""
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit))
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
