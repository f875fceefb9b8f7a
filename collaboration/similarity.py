"""Similar cases (類似事例): character-pair TF-IDF with cosine similarity over an initiative's
title, summary, body, fields and methods, kept as a small stored index (``SimilarityGram``).

Each initiative is a vector of weighted terms: the character pairs of its texts (normalised as
search text is) and one term per field (``f:<id>``) and method (``m:<id>``), weighted up, as
sharing a field or a method says more than sharing a pair of characters. Weights are
(1 + log tf) × idf, scaled to unit length, so summing products over shared terms is the cosine.
A need (a municipality's survey answers) or an initiative is looked up in one query
(``_SCORING``): its heaviest terms find candidates, reading a rare term's whole list but a
common term's rows only where it is among an initiative's ``STRONG_TERMS`` heaviest (a
partial index), within a bounded number of rows; each need's few best candidates are then
scored on every term (the full cosine), from their rows read once per initiative however
many needs chose it, with the terms they share, which give the reasons (shared fields and
methods, matching words). The viewer's scope is applied to the candidates.
"""

import functools
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .facet_tally import TOTAL as TALLY_TOTAL
from .models import (
    Category,
    FacetTally,
    Initiative,
    Method,
    PolicyField,
    SimilarityGram,
    SimilarityTerm,
)
from .search import KATAKANA, normalize
from .services.link_sets import decode

TOPIC = "similarity"
FIELD_TERM, METHOD_TERM = "f:", "m:"
TITLE_WEIGHT = 2  # a pair in the title counts as often as this
FIELD_WEIGHT = 6
METHOD_WEIGHT = 3
# An initiative is found (becomes a candidate) by its heaviest terms only: the index rows
# flagged ``strong``; a need looks with its heaviest terms, and reads the whole list of a rare
# term. The candidates are then scored on every term.
STRONG_TERMS = 16
CANDIDATE_TERMS = 48
ROWS_PER_LOOKUP = 6000  # index rows read to find candidates, shared by a lookup's needs
MIN_ROWS_PER_NEED = 750
WHOLE_LIST_AT_MOST = 200
CANDIDATES_PER_SHOWN = 4
MIN_CANDIDATES = 20  # a need's best by its heaviest terms is not always best on them all
# A pair found in more than this share of initiatives (and more than a few) says nothing on
# its own (連携, 取組).
COMMON_SHARE = 0.3
COMMON_AT_LEAST = 10
SHOWN = 5
SHOWN_FIELDS = ("title", "scope", "outside_prefecture", "category__label")
# Below this cosine, what two texts share is a stray pair of characters, not a topic.
MIN_SCORE = 0.04
WORD = re.compile(r"\w+")
HIRAGANA_EDGES = re.compile(r"^[\u3041-\u309f]+|[\u3041-\u309f]+$")
PARTICLES = re.compile(r"[のとをにがはでやへも]+")


@functools.lru_cache(maxsize=16384)  # a pure function of one character, asked ~60,000 times a page
def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    return "".join(chr(ord(c) - 0x60) if ord(c) in KATAKANA else c for c in folded)


@functools.lru_cache(maxsize=20_000)
def _folded(written: str) -> str:
    # Survey texts repeat their words many times over: each is normalised once.
    return "".join(_fold(char) for char in written)


def _runs(text: str) -> list[tuple[str, str]]:
    """(word as written, normalised) for each run of letters, digits and kana in ``text``."""
    return [(match.group(), _folded(match.group())) for match in WORD.finditer(text or "")]


@functools.lru_cache(maxsize=20_000)
def _word_pairs(written: str) -> tuple[str, ...]:
    word = _folded(written)
    return tuple(word[i:i + 2] for i in range(len(word) - 1))


def text_pairs(text: str) -> Counter:
    """How often each normalised character pair occurs within the words of ``text``."""
    # Each word's pairs once, as many times as the word comes (a survey's texts repeat their
    # words many times over), counted in one pass in C.
    return Counter(chain.from_iterable(_word_pairs(written) * times for written, times
                                       in Counter(WORD.findall(text or "")).items()))


@dataclass
class Need:
    """What a municipality asks for, or what an initiative is about: its words, fields and
    methods (by name, as surveys record them)."""

    text: str = ""
    field_names: list[str] = field(default_factory=list)
    method_names: list[str] = field(default_factory=list)
    title: str = ""


def _term_counts(title: str, text: str, field_ids, method_ids, field_names=(),
                 method_names=()) -> Counter:
    counts = Counter()
    for pair, n in text_pairs(title).items():
        counts[pair] += TITLE_WEIGHT * n
    counts.update(text_pairs(" ".join([text, *field_names, *method_names])))
    for pk in field_ids:
        counts[f"{FIELD_TERM}{pk}"] += FIELD_WEIGHT
    for pk in method_ids:
        counts[f"{METHOD_TERM}{pk}"] += METHOD_WEIGHT
    return counts


def _initiative_counts(initiative) -> Counter:
    fields = list(initiative.policy_fields.all())
    methods = list(initiative.methods.all())
    return _term_counts(initiative.title, f"{initiative.summary} {initiative.body}",
                        [f.pk for f in fields], [m.pk for m in methods],
                        [f.name for f in fields], [m.name for m in methods])


def _idf(total: int, df: int) -> float:
    return math.log((1 + total) / (1 + df)) + 1.0


def _vector(counts: Counter, total: int, df: dict) -> dict[str, float]:
    idf = {}  # a long need's terms share few document frequencies (many are in none)
    weights = {}
    for term, n in counts.items():
        if n > 0:
            documents = df.get(term, 0)
            if documents not in idf:
                idf[documents] = _idf(total, documents)
            weights[term] = (1.0 + math.log(n)) * idf[documents]
    length = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: w / length for term, w in weights.items()}


def _frequencies_and_total(terms) -> tuple[dict[str, int], int, dict[str, int]]:
    """How many initiatives have each term, how many there are, and how many have each term
    among their strong ones, in one query."""
    if not terms:
        return {}, 0, {}
    asked, params = _terms_list(list(terms))
    # How many initiatives there are: the catalogue's tally counts each once (two rows), where
    # counting them took 1 of the query's 1.7 ms; counted when the tally is empty.
    total = (f"COALESCE((SELECT SUM(initiatives) FROM {FacetTally._meta.db_table} "
             f"WHERE facet = %s), (SELECT COUNT(*) FROM {Initiative._meta.db_table}))")
    with connection.cursor() as cursor:  # through the ORM, building it took as long as running it
        cursor.execute(
            f"SELECT gram, documents, strong_documents, {total} "
            f"FROM {SimilarityTerm._meta.db_table} WHERE gram IN ({asked}) AND documents > 0",
            [TALLY_TOTAL, *params])
        found = cursor.fetchall()
    return ({gram: n for gram, n, _strong, _total in found}, (found[0][3] if found else 0),
            {gram: strong for gram, _n, strong, _total in found})


def _with_relations(queryset):
    return queryset.only("pk", "title", "summary", "body").prefetch_related(
        "policy_fields", "methods")


@transaction.atomic
def index_initiatives(ids) -> int:
    """Recomputes the index rows of these initiatives (and drops those of initiatives that are
    gone), keeping the document frequencies in step; the same ids give the same rows, so
    running it again changes nothing."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    initiatives = list(_with_relations(Initiative.objects.filter(pk__in=ids)))
    counts = {i.pk: _initiative_counts(i) for i in initiatives}
    delta, strong_delta = Counter(), Counter()
    for gram, strong in SimilarityGram.objects.filter(initiative_id__in=ids).values_list(
            "gram", "strong"):
        delta[gram] -= 1
        strong_delta[gram] -= strong
    for found in counts.values():
        delta.update(found.keys())
    stored = {term.gram: term for term in SimilarityTerm.objects.select_for_update().filter(
        gram__in=list(delta))}
    df = {gram: max(0, term.documents + delta[gram]) for gram, term in stored.items()}
    df.update({gram: change for gram, change in delta.items() if gram not in stored})
    total = Initiative.objects.count()
    rows = [row for pk, found in counts.items() for row in _rows(pk, _vector(found, total, df))]
    strong_delta.update(row.gram for row in rows if row.strong)
    for gram, term in stored.items():
        term.documents = df[gram]
        term.strong_documents = max(0, term.strong_documents + strong_delta[gram])
    SimilarityTerm.objects.bulk_update(list(stored.values()), ["documents", "strong_documents"],
                                       batch_size=2000)
    SimilarityTerm.objects.bulk_create(
        [SimilarityTerm(gram=gram, documents=change, strong_documents=strong_delta[gram])
         for gram, change in delta.items() if gram not in stored and change > 0],
        batch_size=2000)
    SimilarityGram.objects.filter(initiative_id__in=ids).delete()
    SimilarityGram.objects.bulk_create(rows, batch_size=5000)
    return len(initiatives)


def _rows(pk: int, vector: dict[str, float]) -> list[SimilarityGram]:
    """The index rows of one initiative; its ``STRONG_TERMS`` heaviest are marked strong."""
    strong = set(sorted(vector, key=lambda term: (-vector[term], term))[:STRONG_TERMS])
    return [SimilarityGram(initiative_id=pk, gram=term, weight=weight, strong=term in strong)
            for term, weight in vector.items()]


def _analyse(model=SimilarityGram) -> None:
    # After a bulk rebuild the planner's row counts are stale (scoring plans rely on them) and
    # no page is marked all-visible: without VACUUM every index row read visits the table,
    # which made the kept lists' rebuild right after it 50 times slower (0.5 s a lookup).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def rebuild_index(*, batch_size: int = 2000) -> int:
    """Builds the whole index afresh, every weight from the same document frequencies."""
    counts: dict[int, Counter] = {}
    queryset = _with_relations(Initiative.objects.order_by("pk"))
    for start in range(0, Initiative.objects.count(), batch_size):
        for initiative in queryset[start:start + batch_size]:
            counts[initiative.pk] = _initiative_counts(initiative)
    df = Counter()
    for found in counts.values():
        df.update(found.keys())
    total = len(counts)
    with transaction.atomic():
        SimilarityGram.objects.all().delete()
        SimilarityTerm.objects.all().delete()
        rows, strong = [], Counter()
        for pk, found in counts.items():
            rows += _rows(pk, _vector(found, total, df))
            if len(rows) >= 20_000:
                strong.update(row.gram for row in rows if row.strong)
                SimilarityGram.objects.bulk_create(rows, batch_size=5000)
                rows = []
        strong.update(row.gram for row in rows if row.strong)
        SimilarityGram.objects.bulk_create(rows, batch_size=5000)
        SimilarityTerm.objects.bulk_create(
            [SimilarityTerm(gram=gram, documents=n, strong_documents=strong[gram])
             for gram, n in df.items()], batch_size=5000)
    if not connection.in_atomic_block:
        _analyse()
    return total


@dataclass(frozen=True)
class Suggestion:
    initiative: Initiative
    score: float
    shared_fields: list
    shared_methods: list
    words: list[str]
    same_category: bool = False

    @property
    def percent(self) -> int:
        return round(100 * self.score)


def _distinct_runs(texts: list[str]) -> list[tuple[str, str]]:
    """The words of ``texts`` once each, in the order they first come."""
    words = dict.fromkeys(match.group() for text in texts for match in WORD.finditer(text or ""))
    return [(written, _folded(written)) for written in words]


def _matching_words(runs: list[tuple[str, str]], candidate_terms: set[str],
                    informative: set[str], framework_names=(), limit: int = 4) -> list[str]:
    """The longest stretches of ``texts`` (as written) whose every character pair the
    candidate shares, among the pairs that say something; kana at either end (particles such
    as の or を) is left off, and so are the framework's own words (a shared field or method
    is given as such). ``runs``: the words of the need's texts (``_distinct_runs``)."""
    found: list[str] = []
    shared = candidate_terms & informative
    for written, word in runs:
        # A word none of whose pairs is shared has no stretch (most words of a long need).
        if len(word) != len(written) or shared.isdisjoint(_word_pairs(written)):
            continue
        start = None
        for i in range(len(word) + 1):
            pair = word[i:i + 2]
            inside = len(pair) == 2 and pair in shared
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                stretch, start = written[start:i + 1], None
                for piece in PARTICLES.split(stretch):
                    piece = HIRAGANA_EDGES.sub("", piece)
                    if len(piece) >= 2 and piece not in found and not any(
                            piece in name for name in framework_names):
                        found.append(piece)
    found.sort(key=len, reverse=True)
    shown: list[str] = []
    for piece in found:
        if not any(piece in longer for longer in shown):
            shown.append(piece)
    return shown[:limit]


@dataclass
class _Query:
    counts: Counter
    texts: list[str]
    fields: list
    methods: list
    exclude_ids: tuple = ()
    framework_names: tuple = ()
    category_id: int | None = None


# How a term of a need takes part in the one scoring query (``_SCORING``).
RESCORE, WHOLE_LIST, STRONG_ONLY = 0, 1, 2

# Each need's best candidates by its seeking terms: on PostgreSQL a top-N per need (no sort
# of every initiative found); SQLite has no LATERAL, so there a window ranks them all.
_CHOSEN = {
    "postgresql": """
chosen AS MATERIALIZED (
    SELECT n.need, best.initiative_id
    FROM (SELECT DISTINCT need FROM q) n CROSS JOIN LATERAL (
        SELECT initiative_id FROM (
            SELECT g.initiative_id, g.weight * q.w AS part
            FROM {grams} g JOIN q ON g.gram = q.gram
            WHERE q.need = n.need AND q.seek = 2 AND g.strong
            UNION ALL
            SELECT g.initiative_id, g.weight * q.w
            FROM {grams} g JOIN q ON g.gram = q.gram WHERE q.need = n.need AND q.seek = 1
        ) found
        GROUP BY initiative_id ORDER BY SUM(part) DESC, initiative_id LIMIT %s
    ) best
)""",
    "sqlite": """
found AS (
    SELECT q.need, g.initiative_id, g.weight * q.w AS part
    FROM {grams} g JOIN q ON g.gram = q.gram WHERE q.seek = 2 AND g.strong
    UNION ALL
    SELECT q.need, g.initiative_id, g.weight * q.w
    FROM {grams} g JOIN q ON g.gram = q.gram WHERE q.seek = 1
),
ranked AS (
    SELECT need, initiative_id,
           ROW_NUMBER() OVER (PARTITION BY need ORDER BY SUM(part) DESC, initiative_id) AS place
    FROM found GROUP BY need, initiative_id
),
chosen AS MATERIALIZED (SELECT need, initiative_id FROM ranked WHERE place <= %s)""",
}

# The chosen (need, initiative) pairs, then the candidates' rows for any need's term, once per
# initiative however many needs chose it: each need's cosine is summed from them in Python.
_SCORING = """
WITH q(need, gram, w, seek) AS ({terms}),
{chosen}
SELECT need, initiative_id, NULL, NULL FROM chosen
UNION ALL
SELECT NULL, g.initiative_id, g.gram, g.weight FROM {grams} g
WHERE g.initiative_id IN (SELECT initiative_id FROM chosen) AND g.gram IN ({every})
{shown}"""

# The chosen initiatives the viewer may see come back with the scores (a round trip and a
# query of their own less): (``SHOWN_ROW``, id, what the list shows of them as a JSON array).
SHOWN_ROW = -1
SHOWN_COLUMNS = ("pk", "category_id", "title", "scope", "outside_prefecture", "category__label")
_JSON_ARRAY = {"postgresql": "json_build_array"}


def _seeking(vector: dict, df: dict, strong_df: dict, budget: int) -> dict[str, int]:
    """How each term of a need's vector is used: the heaviest look for candidates (a rare
    one in its whole list, a common one among the initiatives it is strong in) until the
    rows they read reach ``budget``; every term scores the candidates found."""
    seeking, read = {}, 0
    for term in sorted((term for term in vector if df.get(term)),
                       key=lambda term: (-vector[term], term)):
        whole = df[term] <= WHOLE_LIST_AT_MOST
        rows = df[term] if whole else strong_df.get(term, 0)
        if len(seeking) < CANDIDATE_TERMS and rows and (not read or read + rows <= budget):
            seeking[term] = WHOLE_LIST if whole else STRONG_ONLY
            read += rows
        else:
            seeking[term] = RESCORE
    return seeking


def _terms_table(rows: list[tuple]) -> tuple[str, list]:
    """The needs' seeking terms as a table (need, gram, w, seek) for ``_SCORING``. PostgreSQL
    reads them from one JSON parameter: binding many separate parameters costs more than
    the query itself."""
    if connection.vendor == "postgresql":
        return ("SELECT * FROM json_to_recordset(%s::json) "
                "AS t(need int, gram text, w float8, seek int)",
                [json.dumps([{"need": need, "gram": gram, "w": w, "seek": seek}
                             for need, gram, w, seek in rows], ensure_ascii=False)])
    return ("VALUES " + ", ".join(["(%s, %s, %s, %s)"] * len(rows)),
            [value for row in rows for value in row])


def _terms_list(terms: list[str]) -> tuple[str, list]:
    """``terms`` for ``IN (…)``: on PostgreSQL one JSON parameter (see ``_terms_table``)."""
    if connection.vendor == "postgresql":
        return "SELECT json_array_elements_text(%s::json)", [json.dumps(terms,
                                                                        ensure_ascii=False)]
    return ", ".join(["%s"] * len(terms)), terms


def _shown_part(visible) -> tuple[str, list] | None:
    """The part of ``_SCORING`` that reads the chosen initiatives ``visible`` holds; None when
    the scope holds nothing."""
    rows = visible.filter(pk__in=RawSQL("SELECT initiative_id FROM chosen", [])).order_by()
    try:
        sql, params = rows.values_list(*SHOWN_COLUMNS).query.sql_with_params()
    except EmptyResultSet:
        return None
    array = _JSON_ARRAY.get(connection.vendor, "json_array")
    # The columns are named as ``values_list`` names them (its aliases).
    pk, *shown = (f"s.{connection.ops.quote_name(name)}" for name in SHOWN_COLUMNS)
    return (f"UNION ALL SELECT {SHOWN_ROW}, {pk}, CAST({array}({', '.join(shown)}) AS text), "
            f"NULL FROM ({sql}) s\n", list(params))


def _shown_initiative(pk: int, row: str) -> Initiative:
    """``listed_initiative`` of a row of ``_shown_part`` (a JSON array of its columns)."""
    return listed_initiative(pk, *json.loads(row))


def listed_initiative(pk: int, category_id: int, title: str, scope: str, outside: str,
                      label: str) -> Initiative:
    """An initiative with only what the list of cases shows loaded, as ``only()`` loads it."""
    initiative = Initiative.from_db(connection.alias, _SHOWN_ATTRIBUTES,
                                    _in_field_order(Initiative, {
                                        "id": pk, "title": title, "category_id": category_id,
                                        "scope": scope, "outside_prefecture": outside}))
    initiative.category = Category.from_db(connection.alias, ["id", "label"],
                                           _in_field_order(Category, {"id": category_id,
                                                                      "label": label}))
    return initiative


def kept_suggestion(row: tuple, fields: list, methods: list,
                    category_id: int | None = None) -> Suggestion:
    """A suggestion of a kept list (``similar_store``, ``need_store``) from its row: the case's
    id, score and words, what the list shows of it, and its field and method id sets;
    ``category_id``: the asking initiative's, for ``same_category``."""
    pk, score, words, case_category_id, *shown, field_set, method_set = row
    case_fields, case_methods = set(decode(field_set)), set(decode(method_set))
    return Suggestion(
        initiative=listed_initiative(pk, case_category_id, *shown), score=score,
        shared_fields=[f for f in fields if f.pk in case_fields],
        shared_methods=[m for m in methods if m.pk in case_methods], words=list(words),
        same_category=category_id is not None and case_category_id == category_id)


# What ``kept_suggestion`` reads of a kept case (``c``), the case itself (``i``) and its
# category (``k``), for the stores' written-out reads: building the ORM's query (a join, an
# annotation, a subquery) cost more than running it.
KEPT_COLUMNS = ("c.case_id, c.score, c.words, i.category_id, i.title, i.scope, "
                "i.outside_prefecture, k.label, i.field_set, i.method_set")


def seen_sql(visible, *, exclude_municipality=None) -> tuple[str, list]:
    """Whether the kept case ``c.case_id`` is among ``visible`` (a reader's scope) and, with
    ``exclude_municipality``, one that municipality does not take part in, as SQL and its
    parameters: TRUE where the scope holds every initiative and none is left out. The
    municipality is left out here rather than by the ORM's ``exclude``, whose query cost 1 ms
    to build."""
    conditions, params = [], []
    if visible.query.where:
        try:
            inner, params = visible.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # the scope holds none
            return "FALSE", []
        # A semi-join the planner probes by the case's id (IN hashed the whole scope).
        conditions.append(f"EXISTS (SELECT 1 FROM ({inner}) v WHERE v.pk = c.case_id)")
    if exclude_municipality is not None:
        links = Initiative.municipalities.through._meta.db_table
        conditions.append(f"NOT EXISTS (SELECT 1 FROM {links} t "
                          "WHERE t.initiative_id = c.case_id AND t.municipality_id = %s)")
        params = [*params, exclude_municipality.pk]
    return " AND ".join(conditions) or "TRUE", list(params)


def kept_row(row: tuple) -> tuple:
    """A row of ``KEPT_COLUMNS`` as ``kept_suggestion`` takes it: its words decoded where the
    database gives JSON as text (SQLite; psycopg decodes it)."""
    pk, score, words, *rest = row
    return (pk, score, json.loads(words) if isinstance(words, str) else words, *rest)


_SHOWN_ATTRIBUTES = ["id", "title", "category_id", "scope", "outside_prefecture"]


def _in_field_order(model, values: dict) -> list:
    # ``from_db`` takes the loaded values in the order of the model's columns.
    return [values[f.attname] for f in model._meta.concrete_fields if f.attname in values]


def _scored(vectors: list[dict], df: dict, strong_df: dict, candidates: int,
            visible=None, rows_per_need: int | None = None
            ) -> tuple[list[dict[int, tuple]], dict[int, str]]:
    """For each need: its candidates → (exact cosine, the terms they share), in one query,
    and the candidates ``visible`` holds → what the list shows of them (``_shown_initiative``).

    Candidates are the initiatives that score best on the need's heaviest terms, reading
    only the postings in which a common term is strong; they are then scored on all the
    need's terms, so the order shown is the full cosine."""
    # The rows read are bounded per lookup, whatever the number of needs (unless each need is
    # given its own bound: ``rows_per_need``).
    budget = rows_per_need or max(MIN_ROWS_PER_NEED, ROWS_PER_LOOKUP // max(1, len(vectors)))
    seekings = [_seeking(vector, df, strong_df, budget) for vector in vectors]
    rows = [(number, term, vectors[number][term], seek)
            for number, seeking in enumerate(seekings) for term, seek in seeking.items()
            if seek != RESCORE]
    found = [{} for _vector in vectors]
    if not rows:
        return found, {}
    terms, params = _terms_table(rows)
    # Only the rows of terms some need has come back (the rest add nothing to a cosine).
    every, every_params = _terms_list(sorted(set().union(*seekings)))
    grams = SimilarityGram._meta.db_table
    chosen_sql = _CHOSEN.get(connection.vendor, _CHOSEN["sqlite"]).format(grams=grams)
    shown_sql, shown_params = (_shown_part(visible) if visible is not None else None) or ("", [])
    sql = _SCORING.format(terms=terms, every=every, grams=grams, chosen=chosen_sql,
                          shown=shown_sql)
    chosen, candidate_rows, shown = [], {}, {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, candidates, *every_params, *shown_params])
        for number, pk, gram, weight in cursor.fetchall():
            if number == SHOWN_ROW:
                shown[pk] = gram
            elif gram is None:
                chosen.append((number, pk))
            else:
                candidate_rows.setdefault(pk, []).append((gram, weight))
    for number, pk in chosen:
        vector = vectors[number]
        shared = [(gram, weight) for gram, weight in candidate_rows.get(pk, ())
                  if gram in seekings[number]]
        if shared:
            found[number][pk] = (sum(weight * vector[gram] for gram, weight in shared),
                                 {gram for gram, _weight in shared})
    return found, shown


def _visible(user, exclude_municipality):
    from .selectors import visible_initiatives

    visible = visible_initiatives(user)
    if exclude_municipality is not None:
        visible = visible.exclude(municipalities=exclude_municipality)
    return visible


def _worth_loading(shown: dict[int, str], scored: list[dict]) -> dict[int, str]:
    # The candidates that could be shown (``_kept``: at least ``MIN_SCORE``); only those
    # kept become initiatives.
    worth = _worth_showing(scored)
    return {pk: row for pk, row in shown.items() if pk in worth}


def _suggest_all(user, queries: list[_Query], *, exclude_municipality=None,
                 limit=SHOWN, visible=None, candidates_for=None,
                 rows_per_need=None) -> list[list[Suggestion]]:
    """Suggestions for several needs at once: the reads they share are made once.
    ``visible``: the initiatives that may be suggested, when not ``user``'s scope;
    ``candidates_for``: the number shown whose candidates are scored (``limit``'s);
    ``rows_per_need``: the index rows each need may read to find candidates, when not its
    share of a lookup's (``ROWS_PER_LOOKUP``: as if it were asked alone)."""
    if not any(query.counts for query in queries):
        return [[] for _query in queries]
    every_term = set().union(*(query.counts.keys() for query in queries))
    df, total, strong_df = _frequencies_and_total(every_term)
    if not df:
        return [[] for _query in queries]
    vectors = [_vector(query.counts, total, df) for query in queries]
    # Enough candidates for the viewer's scope and the excluded ones to leave ``limit``.
    wanted = max(CANDIDATES_PER_SHOWN * (candidates_for or limit), MIN_CANDIDATES) + max(
        len(q.exclude_ids) for q in queries)
    visible = _visible(user, exclude_municipality) if visible is None else visible
    scored, rows = _scored(vectors, df, strong_df, wanted, visible, rows_per_need)
    shown = _worth_loading(rows, scored)
    # Needs whose good candidates the viewer may mostly not see: look further for these.
    short = [n for n, (query, found) in enumerate(zip(queries, scored, strict=True))
             if len(found) >= wanted and len(_kept(query, found, shown, limit)) < limit
             and any(pk not in shown and score >= MIN_SCORE
                     for pk, (score, _terms) in found.items())]
    if short:
        wider, rows = _scored([vectors[n] for n in short], df, strong_df, wanted * 10, visible,
                              rows_per_need)
        shown.update({pk: row for pk, row in _worth_loading(rows, wider).items()
                      if pk not in shown})
        for n, found in zip(short, wider, strict=True):
            scored[n] = found
    common = max(COMMON_SHARE * total, COMMON_AT_LEAST)
    informative = {term for term in every_term if df.get(term, 0) <= common}
    results = []
    for query, found in zip(queries, scored, strict=True):
        runs = _distinct_runs(query.texts)
        # A shared field or method is a shared term of the index (f:<id>, m:<id>).
        kept = [(_shown_initiative(pk, shown[pk]), score, terms)
                for pk, score, terms in _kept(query, found, shown, limit)]
        results.append([Suggestion(
            initiative=initiative, score=score,
            shared_fields=[f for f in query.fields if f"{FIELD_TERM}{f.pk}" in terms],
            shared_methods=[m for m in query.methods if f"{METHOD_TERM}{m.pk}" in terms],
            words=_matching_words(runs, terms, informative, query.framework_names),
            same_category=initiative.category_id == query.category_id)
            for initiative, score, terms in kept])
    return results


def _worth_showing(scored: list[dict]) -> set[int]:
    return {pk for found in scored for pk, (score, _terms) in found.items() if score >= MIN_SCORE}


def _kept(query: _Query, found: dict, shown: dict, limit: int) -> list[tuple]:
    """The best ``limit`` of a need's scored candidates that the viewer may see."""
    best = sorted(((pk, score, terms) for pk, (score, terms) in found.items()
                   if pk in shown and pk not in query.exclude_ids and score >= MIN_SCORE),
                  key=lambda item: (-item[1], item[0]))
    return best[:limit]


_HIRAGANA = {code: code - 0x60 for code in KATAKANA}


@functools.lru_cache(maxsize=8192)
def _normalised_line(line: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", line).lower().translate(_HIRAGANA).split())


def _normalised(text: str) -> str:
    """``search.normalize`` of ``text`` (needs are long texts, their lines repeated), a line
    at a time: NFKC, lower case and the kana fold never join characters across a new line."""
    return " ".join(filter(None, map(_normalised_line, (text or "").split("\n"))))


_normalised_word = functools.lru_cache(maxsize=4096)(normalize)


def _with_synonyms(text: str, lookup: dict) -> str:
    """``text`` and the synonyms of the dictionary's words in it, so a need that says ICT
    also finds 情報システム."""
    normalised = _normalised(text)
    extra = [word for key, group in lookup.items() if key in normalised for word in group
             if _normalised_word(word) not in normalised]
    return " ".join([text, *dict.fromkeys(extra)])


def _need_query(need: Need, framework: tuple[list, list], lookup: dict) -> _Query:
    chosen_fields, chosen_methods = framework
    text = _with_synonyms(need.text, lookup) if lookup else need.text
    counts = _term_counts(need.title, text,
                          [f.pk for f in chosen_fields], [m.pk for m in chosen_methods],
                          [f.name for f in chosen_fields], [m.name for m in chosen_methods])
    return _Query(counts, [need.title, text], chosen_fields, chosen_methods,
                  framework_names=tuple(f.name for f in chosen_fields)
                  + tuple(m.name for m in chosen_methods))


def needs_framework(needs: list[Need]) -> list[tuple[list, list]]:
    """Each need's policy fields and methods, in the order it names them (unknown names left
    out), read in one query for all of them."""
    fields = {n for need in needs for n in need.field_names}
    methods = {n for need in needs for n in need.method_names}
    named = {}
    if fields or methods:
        # Written out: compiling the ORM's union cost more than the query.
        parts, params = [], []
        for kind, model, names in ((FIELD_TERM, PolicyField, fields),
                                   (METHOD_TERM, Method, methods)):
            if names:
                parts.append(f"SELECT %s, id, name, sort_order FROM {model._meta.db_table} "
                             f"WHERE name IN ({', '.join(['%s'] * len(names))})")
                params += [kind, *sorted(names)]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            rows = cursor.fetchall()
        for kind, *row in rows:
            model = PolicyField if kind == FIELD_TERM else Method
            named[kind, row[1]] = model.from_db(connection.alias, ["id", "name", "sort_order"],
                                                row)
    return [([named[FIELD_TERM, n] for n in need.field_names if (FIELD_TERM, n) in named],
             [named[METHOD_TERM, n] for n in need.method_names if (METHOD_TERM, n) in named])
            for need in needs]


def similar_to_needs(user, needs: list[Need], *, exclude_municipality=None, limit=SHOWN,
                     visible=None, candidates_for=None, rows_per_need=None,
                     framework=None) -> list[list[Suggestion]]:
    """For each need, the initiatives ``user`` may see that are most like it, best first,
    with why; with ``exclude_municipality``, only those it does not take part in yet.
    ``visible``, ``candidates_for``, ``rows_per_need``: as for ``_suggest_all``;
    ``framework``: ``needs_framework(needs)`` when already read. The pages read the kept
    lists first (``need_store.similar_to_needs``)."""
    from .synonyms import dictionary

    lookup = dictionary() if any(need.text for need in needs) else {}
    framework = needs_framework(needs) if framework is None else framework
    return _suggest_all(user, [_need_query(need, chosen, lookup) for need, chosen
                               in zip(needs, framework, strict=True)],
                        exclude_municipality=exclude_municipality, limit=limit,
                        visible=visible, candidates_for=candidates_for,
                        rows_per_need=rows_per_need)


def similar_to_need(user, need: Need, *, exclude_municipality=None,
                    limit=SHOWN) -> list[Suggestion]:
    """The initiatives ``user`` may see that are most like ``need`` (横展開の候補 with
    ``exclude_municipality``: those it does not take part in yet)."""
    return similar_to_needs(user, [need], exclude_municipality=exclude_municipality,
                            limit=limit)[0]


def initiative_query(initiative: Initiative, fields, methods) -> _Query:
    """What an initiative is about, as a lookup asks it: its texts, fields and methods."""
    counts = _term_counts(initiative.title, f"{initiative.summary} {initiative.body}",
                          [f.pk for f in fields], [m.pk for m in methods],
                          [f.name for f in fields], [m.name for m in methods])
    names = (*(f.name for f in fields), *(m.name for m in methods), initiative.category.name)
    return _Query(counts, [initiative.title, initiative.summary], fields, methods,
                  (initiative.pk,), names, initiative.category_id)


def similar_to_initiative(user, initiative: Initiative, *, fields=None, methods=None,
                          limit=SHOWN) -> list[Suggestion]:
    """The other initiatives ``user`` may see that are most like ``initiative``, looked up in
    the index; ``fields``, ``methods``: its policy fields and methods, when already read. Its
    page reads its kept list first (``similar_store.similar_to_initiative``)."""
    fields = list(initiative.policy_fields.all()) if fields is None else fields
    methods = list(initiative.methods.all()) if methods is None else methods
    return _suggest_all(user, [initiative_query(initiative, fields, methods)], limit=limit)[0]
