"""Similar cases (類似事例): character-pair TF-IDF with cosine similarity over an initiative's
title, summary, body, fields and methods, kept as a small stored index (``SimilarityGram``).

Each initiative is a vector of weighted terms: the character pairs of its texts (normalised as
search text is) and one term per field (``f:<id>``) and method (``m:<id>``), weighted up, as
sharing a field or a method says more than sharing a pair of characters. Weights are
(1 + log tf) × idf, scaled to unit length, so summing products over shared terms is the cosine.
A need (a municipality's survey answers) or an initiative is scored against the index in one
query on the terms that weigh most in it; the reasons (shared fields and methods, matching
words) are read afterwards for the few shown.
"""

import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .models import Initiative, Method, PolicyField, SimilarityGram, SimilarityTerm
from .search import KATAKANA

TOPIC = "similarity"
FIELD_TERM, METHOD_TERM = "f:", "m:"
TITLE_WEIGHT = 2  # a pair in the title counts as often as this
FIELD_WEIGHT = 6
METHOD_WEIGHT = 3
QUERY_TERMS = 32  # the terms of a need or initiative that weigh most; the rest change little
MAX_POSTINGS = 15_000  # index rows one lookup adds up at most
# A pair found in more than this share of initiatives (and more than a few) says nothing on
# its own (連携, 取組).
COMMON_SHARE = 0.3
COMMON_AT_LEAST = 10
SHOWN = 5
LONG_TEXTS = ("body", "outcomes", "indicators", "search_text", "search_grams")
# Below this cosine, what two texts share is a stray pair of characters, not a topic.
MIN_SCORE = 0.04
WORD = re.compile(r"\w+")
HIRAGANA_EDGES = re.compile(r"^[\u3041-\u309f]+|[\u3041-\u309f]+$")
PARTICLES = re.compile(r"[のとをにがはでやへも]+")


@functools.lru_cache(maxsize=16384)  # a pure function of one character, asked ~60,000 times a page
def _fold(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    return "".join(chr(ord(c) - 0x60) if ord(c) in KATAKANA else c for c in folded)


def _runs(text: str) -> list[tuple[str, str]]:
    """(word as written, normalised) for each run of letters, digits and kana in ``text``."""
    runs = []
    for match in WORD.finditer(text or ""):
        written = match.group()
        runs.append((written, "".join(_fold(char) for char in written)))
    return runs


def text_pairs(text: str) -> Counter:
    """How often each normalised character pair occurs within the words of ``text``."""
    counts = Counter()
    for _written, word in _runs(text):
        counts.update(word[i:i + 2] for i in range(len(word) - 1))
    return counts


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
    weights = {term: (1.0 + math.log(n)) * _idf(total, df.get(term, 0))
               for term, n in counts.items() if n > 0}
    length = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {term: w / length for term, w in weights.items()}


def _frequencies_and_total(terms) -> tuple[dict[str, int], int]:
    """How many initiatives have each term, and how many there are, in one query."""
    table = Initiative._meta.db_table
    found = list(SimilarityTerm.objects.filter(gram__in=list(terms), documents__gt=0)
                 .annotate(total=RawSQL(f"SELECT COUNT(*) FROM {table}", ()))
                 .values_list("gram", "documents", "total"))
    return {gram: n for gram, n, _total in found}, (found[0][2] if found else 0)


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
    delta = Counter()
    for gram in SimilarityGram.objects.filter(initiative_id__in=ids).values_list("gram",
                                                                                flat=True):
        delta[gram] -= 1
    for found in counts.values():
        delta.update(found.keys())
    stored = {term.gram: term for term in SimilarityTerm.objects.select_for_update().filter(
        gram__in=list(delta))}
    for gram, change in delta.items():
        if gram in stored:
            stored[gram].documents = max(0, stored[gram].documents + change)
    SimilarityTerm.objects.bulk_update(list(stored.values()), ["documents"], batch_size=2000)
    SimilarityTerm.objects.bulk_create(
        [SimilarityTerm(gram=gram, documents=change) for gram, change in delta.items()
         if gram not in stored and change > 0], batch_size=2000)
    df = {gram: term.documents for gram, term in stored.items()}
    df.update({gram: change for gram, change in delta.items() if gram not in stored})
    total = Initiative.objects.count()
    SimilarityGram.objects.filter(initiative_id__in=ids).delete()
    SimilarityGram.objects.bulk_create(
        [SimilarityGram(initiative_id=pk, gram=term, weight=weight)
         for pk, found in counts.items()
         for term, weight in _vector(found, total, df).items()], batch_size=5000)
    return len(initiatives)


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
        SimilarityTerm.objects.bulk_create(
            [SimilarityTerm(gram=gram, documents=n) for gram, n in df.items()], batch_size=5000)
        rows = []
        for pk, found in counts.items():
            rows += [SimilarityGram(initiative_id=pk, gram=term, weight=weight)
                     for term, weight in _vector(found, total, df).items()]
            if len(rows) >= 20_000:
                SimilarityGram.objects.bulk_create(rows, batch_size=5000)
                rows = []
        SimilarityGram.objects.bulk_create(rows, batch_size=5000)
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


def _names(model, names) -> list:
    return list(model.objects.filter(name__in=names)) if names else []


def _matching_words(texts: list[str], candidate_terms: set[str], informative: set[str],
                    framework_names=(), limit: int = 4) -> list[str]:
    """The longest stretches of ``texts`` (as written) whose every character pair the
    candidate shares, among the pairs that say something; kana at either end (particles such
    as の or を) is left off, and so are the framework's own words (a shared field or method
    is given as such)."""
    found: list[str] = []
    for text in texts:
        for written, word in _runs(text):
            if len(word) != len(written):
                continue
            start = None
            for i in range(len(word) + 1):
                pair = word[i:i + 2]
                inside = len(pair) == 2 and pair in candidate_terms and pair in informative
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


def _suggest_all(user, queries: list[_Query], *, exclude_municipality=None,
                 limit=SHOWN) -> list[list[Suggestion]]:
    """Suggestions for several needs at once: the reads they share are made once."""
    from .selectors import visible_initiatives

    if not any(query.counts for query in queries):
        return [[] for _query in queries]
    df, total = _frequencies_and_total(set().union(*(query.counts.keys()
                                                     for query in queries)))
    if not df:
        return [[] for _query in queries]
    candidates = visible_initiatives(user)
    if exclude_municipality is not None:
        candidates = candidates.exclude(municipalities=exclude_municipality)
    ranked = []
    for number, query in enumerate(queries):
        vector = _vector(query.counts, total, df)
        # A term no initiative has cannot score; leaving it out keeps the query short.
        chosen, postings = {}, 0
        for term, w in sorted(((term, w) for term, w in vector.items() if df.get(term)),
                              key=lambda item: -item[1])[:QUERY_TERMS]:
            # The heaviest terms first, until the lists to add up are long enough: the rest
            # are common terms that weigh little and would cost the most to read.
            if chosen and postings + df[term] > MAX_POSTINGS:
                continue
            chosen[term] = w
            postings += df[term]
        if chosen:
            ranked.append(_scoring_sql(number, chosen, candidates, query.exclude_ids, limit))
    rows = _scored_rows(ranked)
    scored = [{} for _query in queries]
    for row in sorted(rows, key=lambda row: (-row["score"], row["initiative_id"])):
        if row["score"] >= MIN_SCORE:
            scored[row["need"]][row["initiative_id"]] = row["score"]
    ids = set().union(*(scores.keys() for scores in scored))
    if not ids:
        return [[] for _query in queries]
    every_term = set().union(*(query.counts.keys() for query in queries))
    # The shown initiatives come with the terms they share: each scored one shares some.
    shown, terms_of = {}, {}
    # Only the rows of terms the needs have: those are all the reasons read (and the
    # initiative comes with each), not every term of the initiative.
    for row in SimilarityGram.objects.filter(initiative_id__in=ids,
                                             gram__in=sorted(every_term)).select_related(
            "initiative__category").defer(*(f"initiative__{name}" for name in LONG_TEXTS)):
        shown[row.initiative_id] = row.initiative
        if row.gram in every_term:
            terms_of.setdefault(row.initiative_id, set()).add(row.gram)
    common = max(COMMON_SHARE * total, COMMON_AT_LEAST)
    informative = {term for term in every_term if df.get(term, 0) <= common}
    results = []
    for query, scores in zip(queries, scored, strict=True):
        # A shared field or method is a shared term of the index (f:<id>, m:<id>).
        results.append([Suggestion(
            initiative=shown[pk], score=score,
            shared_fields=[f for f in query.fields
                           if f"{FIELD_TERM}{f.pk}" in terms_of.get(pk, ())],
            shared_methods=[m for m in query.methods
                            if f"{METHOD_TERM}{m.pk}" in terms_of.get(pk, ())],
            words=_matching_words(query.texts, terms_of.get(pk, set()), informative,
                                  query.framework_names),
            same_category=shown[pk].category_id == query.category_id)
            for pk, score in scores.items() if pk in shown])
    return results


def _scoring_sql(number: int, chosen: dict[str, float], candidates, exclude_ids,
                 limit: int) -> tuple[str, list]:
    """One need's best ``limit`` initiatives: its terms' weights joined to their index rows
    (a hash join on the term, where a CASE per term was compared row by row)."""
    grams = SimilarityGram._meta.db_table
    weights = " UNION ALL ".join(["SELECT %s AS gram, %s AS w"] * len(chosen))
    params = [value for term, w in chosen.items() for value in (term, float(w))]
    where = []
    if candidates.query.where:  # all initiatives (prefecture staff) need no look-up
        ids, id_params = candidates.values("pk").query.sql_with_params()
        where.append(f"g.initiative_id IN ({ids})")
        params += id_params
    if exclude_ids:
        where.append(f"g.initiative_id NOT IN ({', '.join(['%s'] * len(exclude_ids))})")
        params += list(exclude_ids)
    condition = f"WHERE {' AND '.join(where)} " if where else ""
    return (f"SELECT g.initiative_id, SUM(g.weight * q.w) AS score, {int(number)} AS need "
            f"FROM {grams} g JOIN ({weights}) q ON q.gram = g.gram {condition}"
            f"GROUP BY g.initiative_id ORDER BY score DESC, g.initiative_id LIMIT {int(limit)}",
            params)


def _scored_rows(ranked: list[tuple[str, list]]) -> list[dict]:
    """Every need's scores in one query."""
    if not ranked:
        return []
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) need{n}"
                             for n, (part, _params) in enumerate(ranked))
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _part, params in ranked for value in params])
        return [{"initiative_id": pk, "score": score, "need": need}
                for pk, score, need in cursor.fetchall()]


def _with_synonyms(text: str, lookup: dict) -> str:
    """``text`` and the synonyms of the dictionary's words in it, so a need that says ICT
    also finds 情報システム."""
    from .search import normalize

    normalised = normalize(text)
    extra = [word for key, group in lookup.items() if key in normalised for word in group
             if normalize(word) not in normalised]
    return " ".join([text, *dict.fromkeys(extra)])


def _need_query(need: Need, fields: dict, methods: dict, lookup: dict) -> _Query:
    chosen_fields = [fields[name] for name in need.field_names if name in fields]
    chosen_methods = [methods[name] for name in need.method_names if name in methods]
    text = _with_synonyms(need.text, lookup) if lookup else need.text
    counts = _term_counts(need.title, text,
                          [f.pk for f in chosen_fields], [m.pk for m in chosen_methods],
                          [f.name for f in chosen_fields], [m.name for m in chosen_methods])
    return _Query(counts, [need.title, text], chosen_fields, chosen_methods,
                  framework_names=tuple(f.name for f in chosen_fields)
                  + tuple(m.name for m in chosen_methods))


def similar_to_needs(user, needs: list[Need], *, exclude_municipality=None,
                     limit=SHOWN) -> list[list[Suggestion]]:
    """For each need, the initiatives ``user`` may see that are most like it, best first,
    with why; with ``exclude_municipality``, only those it does not take part in yet."""
    fields = {f.name: f for f in _names(PolicyField, {n for need in needs
                                                      for n in need.field_names})}
    methods = {m.name: m for m in _names(Method, {n for need in needs
                                                  for n in need.method_names})}
    from .synonyms import dictionary

    lookup = dictionary() if any(need.text for need in needs) else {}
    return _suggest_all(user, [_need_query(need, fields, methods, lookup) for need in needs],
                        exclude_municipality=exclude_municipality, limit=limit)


def similar_to_need(user, need: Need, *, exclude_municipality=None,
                    limit=SHOWN) -> list[Suggestion]:
    """The initiatives ``user`` may see that are most like ``need`` (横展開の候補 with
    ``exclude_municipality``: those it does not take part in yet)."""
    return similar_to_needs(user, [need], exclude_municipality=exclude_municipality,
                            limit=limit)[0]


def similar_to_initiative(user, initiative: Initiative, *, limit=SHOWN) -> list[Suggestion]:
    """The other initiatives ``user`` may see that are most like ``initiative``."""
    fields = list(initiative.policy_fields.all())
    methods = list(initiative.methods.all())
    counts = _term_counts(initiative.title, f"{initiative.summary} {initiative.body}",
                          [f.pk for f in fields], [m.pk for m in methods],
                          [f.name for f in fields], [m.name for m in methods])
    names = (*(f.name for f in fields), *(m.name for m in methods), initiative.category.name)
    query = _Query(counts, [initiative.title, initiative.summary], fields, methods,
                   (initiative.pk,), names, initiative.category_id)
    return _suggest_all(user, [query], limit=limit)[0]
