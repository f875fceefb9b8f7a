"""A decade of synthetic audit trail about the rows that exist, for measuring the audit pages
and the history panels at scale. Every entry carries the note 合成データ; the trail is
append-only, so they are added, never replaced."""

import bisect
import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation

from portal.models import AuditEntry, User

from .copying import copy_rows

Action = AuditEntry.Action
NOTE = "合成データ"
ENTRIES_PER_MONTH_AT_SCALE_ONE = 2000
MONTHS = 120
COLUMNS = ("at", "actor", "actor_name", "ip_address", "action", "content_type", "object_id",
           "object_repr", "owner_type", "owner_id", "changes", "note")
POOL_LIMIT = 200_000  # objects drawn from per kind: bounded memory however large the tables


@dataclass(frozen=True)
class Source:
    """A kind of object the trail is about, named by label: portal imports no app built on it."""

    label: str
    weight: int
    describe: tuple[str, ...]  # the fields its __str__ is made of
    template: str
    actions: dict[str, int]
    changed: str = ""  # the field an update changes
    values: tuple[str, ...] = ()  # its values, when it has no choices
    owner: tuple[str, str] | None = None  # the owner's model and the field holding its id
    municipality: str = ""  # the field naming the municipality whose staff make the change
    event: tuple[tuple[str, list], ...] = ()  # what a submit/return/publish entry records
    born: str = ""  # a date the object exists from: no entry about it before then


SOURCES = [
    Source("collaboration.Initiative", 30, ("title",), "{}",
           {Action.CREATE: 2, Action.UPDATE: 6, Action.PUBLISH: 1}, "status"),
    Source("surveys.SurveyResponse", 25, ("survey__title", "municipality__name"), "{} — {}",
           {Action.SUBMIT: 9, Action.RETURN: 1}, owner=("surveys.Survey", "survey_id"),
           municipality="municipality_id", born="survey__opens_at"),
    Source("surveys.Survey", 4, ("title",), "{}", {Action.CREATE: 1, Action.UPDATE: 3},
           "description", values=("（合成）調査の説明", "（合成）調査の説明（修正）"),
           born="opens_at"),
    Source("meetings.Meeting", 12, ("body__name", "number"), "{} 第{}回",
           {Action.CREATE: 2, Action.UPDATE: 3, Action.PUBLISH: 1}, "venue",
           values=("県庁 講堂", "県庁 大会議室", "総合支庁 会議室", "オンライン"),
           event=(("minutes", [None, "公開"]),), born="starts_at"),
    Source("meetings.ActionItem", 6, ("title",), "{}", {Action.CREATE: 1, Action.UPDATE: 2},
           "status", born="meeting__starts_at"),
    Source("portal.StatisticValue", 18, ("municipality__name", "indicator", "year"),
           "{} {} {}", {Action.CREATE: 1, Action.UPDATE: 2}, "value",
           owner=("portal.Municipality", "municipality_id"), municipality="municipality_id",
           born="as_of"),
    Source("portal.User", 3, ("username",), "{}", {Action.UPDATE: 1}, "role"),
]


@dataclass
class Pool:
    source: Source
    content_type_id: int
    owner_type_id: int | None
    rows: list[tuple]  # (pk, name, owner id, municipality id), oldest first
    born: list[datetime.datetime]  # of each row, when the source has such a date
    values: list[str]

    def eligible(self, end: datetime.datetime) -> int:
        """How many rows (from the start) existed before ``end``."""
        return bisect.bisect_left(self.born, end) if self.born else len(self.rows)


def _labels(model, name: str) -> dict | None:
    if "__" in name:
        return None
    field = model._meta.get_field(name)
    return {key: str(label) for key, label in field.flatchoices} if field.choices else None


def _pool(source: Source) -> Pool | None:
    try:
        model = apps.get_model(source.label)
    except LookupError:
        return None
    extra = [source.owner[1] if source.owner else "pk", source.municipality or "pk",
             source.born or "pk"]
    order = [source.born, "pk"] if source.born else ["pk"]
    rows = list(model._base_manager.order_by(*order).values_list(
        "pk", *source.describe, *extra)[:POOL_LIMIT])
    if not rows:
        return None
    maps = [_labels(model, name) for name in source.describe]
    names = [(row[0], source.template.format(*(
        mapping.get(value, value) if mapping else value
        for mapping, value in zip(maps, row[1:-3], strict=True)))[:200], *row[-3:-1])
        for row in rows]
    born = [_moment(row[-1]) for row in rows] if source.born else []
    choices = _labels(model, source.changed) if source.changed else None
    owner = ContentType.objects.get_for_model(apps.get_model(source.owner[0])).pk \
        if source.owner else None
    return Pool(source, ContentType.objects.get_for_model(model).pk, owner, names, born,
                list(choices.values()) if choices else list(source.values))


def _moment(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


def _changes(rng, pool: Pool, action: str) -> dict:
    source = pool.source
    if action in (Action.SUBMIT, Action.RETURN, Action.PUBLISH):
        return dict(source.event)
    if pool.values:
        before, after = rng.sample(pool.values, 2) if len(pool.values) > 1 \
            else (None, pool.values[0])
    else:  # a figure corrected by a little
        figure = rng.randint(100, 99_999)
        before, after = str(figure), str(figure + rng.randint(-50, 50))
    return {source.changed: [None if action == Action.CREATE else before, after]}


def _month_starts(now: datetime.datetime, months: int) -> list[datetime.datetime]:
    first = timezone.localdate(now).replace(day=1)
    starts = []
    for back in range(months, -1, -1):  # one more: the end of the newest month
        index = first.year * 12 + first.month - 1 - back + 1
        day = datetime.date(index // 12, index % 12 + 1, 1)
        starts.append(timezone.make_aware(datetime.datetime.combine(day, datetime.time())))
    return starts


def build_entries(*, per_month: int, months: int = MONTHS, seed: int = 1, run: int = 0,
                  now: datetime.datetime | None = None) -> Iterator[AuditEntry]:
    """Unsaved entries, ``per_month`` in each of the last ``months`` months (this one up to
    now), oldest first, about existing rows; the same seed, run and rows give the same
    entries."""
    now = now or timezone.now()
    rng = random.Random(f"audit:{seed}:{run}")
    with translation.override("ja"):
        pools = [pool for pool in map(_pool, SOURCES) if pool is not None]
    if not pools:
        return
    users = list(User.objects.filter(is_active=True).order_by("username"))
    staff = [user for user in users if user.role != User.Role.MUNICIPAL] or users
    local = {}
    for user in users:
        if user.role == User.Role.MUNICIPAL and user.organisation:
            local.setdefault(user.organisation.municipality_id, []).append(user)
    starts = _month_starts(now, months)
    for start, end in zip(starts, starts[1:], strict=False):
        end = min(end, now)
        span = int((end - start).total_seconds())
        # An object appears in the trail from the month it exists: a survey from its opening.
        present = [(pool, pool.eligible(end)) for pool in pools]
        present = [(pool, count) for pool, count in present if count] or \
            [(pool, len(pool.rows)) for pool in pools]
        weights = [pool.source.weight for pool, _ in present]
        for _ in range(per_month):
            pool, count = rng.choices(present, weights)[0]
            index = rng.randrange(count)
            pk, name, owner_id, municipality_id = pool.rows[index]
            at = start + datetime.timedelta(seconds=rng.randrange(max(span, 1)))
            action = rng.choices(list(pool.source.actions), pool.source.actions.values())[0]
            people = (pool.source.municipality and local.get(municipality_id)) or staff
            actor = rng.choice(people) if people else None
            yield AuditEntry(
                at=max(at, pool.born[index]) if pool.born else at,
                actor=actor, actor_name=actor.display_name if actor else "システム（合成）",
                ip_address=f"192.0.2.{rng.randint(1, 254)}",  # the documentation range
                action=action, content_type_id=pool.content_type_id, object_id=str(pk),
                object_repr=name, owner_type_id=pool.owner_type_id,
                owner_id=str(owner_id) if pool.owner_type_id else "",
                changes=_changes(rng, pool, action), note=NOTE)


def generate_audit(per_month: int, *, months: int = MONTHS, seed: int = 1,
                   batch_size: int = 5000) -> int:
    """Adds ``per_month`` synthetic entries for each of the last ``months`` months, in batches;
    a second run adds different entries rather than copies of the first."""
    run = AuditEntry.objects.filter(note=NOTE).count()
    entries = build_entries(per_month=per_month, months=months, seed=seed, run=run)
    added = 0
    with transaction.atomic():
        # COPY, a batch at a time (the entries read their pools first): a nation's decade is
        # millions of entries.
        while batch := list(islice(entries, batch_size)):
            added += copy_rows(AuditEntry, COLUMNS, [
                (entry.at, entry.actor_id, entry.actor_name, entry.ip_address, entry.action,
                 entry.content_type_id, entry.object_id, entry.object_repr,
                 entry.owner_type_id, entry.owner_id, entry.changes, entry.note)
                for entry in batch])
    return added


def generate_for_scale(*, scale: float, seed: int) -> str:
    per_month = max(1, round(ENTRIES_PER_MONTH_AT_SCALE_ONE * scale))
    added = generate_audit(per_month, seed=seed)
    return f"{added} synthetic audit entries over {MONTHS} months"
