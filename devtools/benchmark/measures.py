"""Measurements made in a process of their own, so peak memory is the work's and nothing else's.

Each returns a dict printed as one JSON line by `manage.py benchmark_measure`."""

import functools
import time

from django.db.models import Count, Q

from portal.lib.japanese import fiscal_year
from portal.models import Report, User

BENCH_USER = "demo-pref"  # prefecture staff see everything: the widest scope


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def _timed(work) -> dict:
    """Time and memory of ``work()``: the peak resident size is reset first (Linux), so the
    growth is the work's own and not the start-up's."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    baseline = _status_kib("VmRSS")
    started = time.perf_counter()
    details = work()
    peak = _status_kib("VmHWM")
    return {"seconds": round(time.perf_counter() - started, 3),
            "peak_mib": round(peak / 1024, 1), "growth_mib": round((peak - baseline) / 1024, 1),
            **details}


def _build(code: str, params: dict) -> dict:
    from portal.lib import reports

    user = User.objects.get(username=BENCH_USER)
    report = Report(kind=code, params=params, requested_by=user)
    built = reports.kind_of(code).build(report, lambda _percent: None)
    return {"bytes": len(built.content)}


def annual_report(kind: str) -> dict:
    from django.utils import timezone

    year = fiscal_year(timezone.localdate())
    return _timed(lambda: _build(f"annual_{kind}", {"year": year}))


def largest_survey():
    from surveys.models import Survey, SurveyResponse

    handed_in = Q(responses__status__in=[SurveyResponse.Status.SUBMITTED,
                                         SurveyResponse.Status.RETURNED])
    return Survey.objects.annotate(answers=Count("responses", filter=handed_in)).order_by(
        "-answers", "-pk").first()


def survey_workbook(with_charts: bool) -> dict:
    from surveys import exports, results

    user = User.objects.get(username=BENCH_USER)
    survey = largest_survey()

    def work():
        computed = results.results_for(user, survey, with_rows=True)
        content = exports.xlsx_bytes(survey, computed, with_charts=with_charts)
        return {"bytes": len(content), "answers": computed["respondents"],
                "questions": len(computed["results"])}

    return _timed(work)


def _export_queryset(rows: int):
    from collaboration import selectors

    user = User.objects.get(username=BENCH_USER)
    return selectors.with_row_fields(selectors.visible_initiatives(user).order_by(
        "-updated_at", "-id"))[:rows]


def csv_export(rows: int) -> dict:
    """The catalogue's CSV export as the view streams it, cut to ``rows`` initiatives."""
    from collaboration import exports

    queryset = _export_queryset(rows)

    def work():
        size = lines = 0
        for chunk in exports.csv_response(queryset, "http://127.0.0.1").streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\r\n")  # synthetic texts are single lines
        return {"rows": lines - 1, "bytes": size}  # less the header

    return _timed(work)


# The export's cells as PostgreSQL makes them itself, in its fastest plan for a large export
# (each link table aggregated once and hash-joined, rather than a subquery per row): the
# initiatives the export reads, their category and lead named, their methods, fields and
# participants joined in the export's order. (Labels and era years stay codes.)
SAME_ROWS = """
SELECT b.pk, b.title, c.label || ' ' || c.name, m.names, f.names, o.name, p.names, p.codes,
  b.scope, b.outside_prefecture, b.status, b.start_year, b.start_year, b.end_year, b.end_year,
  b.funding, b.is_model, b.spread_from_id, b.is_published, b.is_demo, b.summary,
  'http://127.0.0.1/initiatives/' || b.pk || '/'
FROM ({rows}) b JOIN collaboration_category c ON c.id = b.category_id
LEFT JOIN portal_organisation o ON o.id = b.lead_organisation_id
LEFT JOIN (SELECT t.initiative_id, string_agg(m.name, '、' ORDER BY m.sort_order, m.id) names
             FROM collaboration_initiative_methods t
             JOIN collaboration_method m ON m.id = t.method_id GROUP BY 1) m
       ON m.initiative_id = b.pk
LEFT JOIN (SELECT t.initiative_id, string_agg(f.name, '、' ORDER BY f.sort_order, f.id) names
             FROM collaboration_initiative_policy_fields t
             JOIN collaboration_policyfield f ON f.id = t.policyfield_id GROUP BY 1) f
       ON f.initiative_id = b.pk
LEFT JOIN (SELECT t.initiative_id, string_agg(p.name, '、' ORDER BY p.lg_code) names,
                  '="' || string_agg(p.lg_code, ' ' ORDER BY p.lg_code) || '"' codes
             FROM collaboration_initiative_municipalities t
             JOIN portal_municipality p ON p.id = t.municipality_id GROUP BY 1) p
       ON p.initiative_id = b.pk"""


def copy_rows(rows: int, *, cells: bool = True) -> dict:
    """PostgreSQL writing the export's rows as CSV with ``COPY … TO STDOUT``: with ``cells``
    the whole table the export writes (``SAME_ROWS``), without only the initiatives' own
    columns as the export's main query reads them."""
    from django.db import connection

    from collaboration import exports

    sql, params = _export_queryset(rows).values_list(*exports.ROW_FIELDS).query.sql_with_params()
    if cells:
        sql = SAME_ROWS.format(rows=sql)

    def work():
        size = lines = 0
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            for block in copy:
                size += len(block)
                lines += bytes(block).count(b"\n")
        return {"rows": lines, "bytes": size}

    return _timed(work)


def export_against_copy(rows: int) -> dict:
    """The export and COPY of the same rows side by side, each the median of three runs, so
    both meet the same load on the machine."""
    copies, bare, exports_ = [], [], []
    for _round in range(3):
        copies.append(copy_rows(rows))
        bare.append(copy_rows(rows, cells=False))
        exports_.append(csv_export(rows))

    def median(runs):
        return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]

    def rate(run):
        # Seconds are rounded to the millisecond: a shorter run counts as one.
        return run["rows"] / max(run["seconds"], 0.001)

    copy, plain, export = median(copies), median(bare), median(exports_)
    return {**export, "copy_seconds": copy["seconds"], "copy_rows": copy["rows"],
            "export_rows_per_s": round(rate(export)), "copy_rows_per_s": round(rate(copy)),
            "ratio": round(rate(export) / rate(copy), 3),
            "bare_copy_rows_per_s": round(rate(plain)),
            "bare_ratio": round(rate(export) / rate(plain), 3)}


def prepare_csv_rows(rows: int) -> dict:
    """Tops the CSV database up to ``rows`` synthetic initiatives (kept between runs)."""
    from collaboration.models import Initiative
    from devtools.synthetic.collaboration import generate_initiatives

    missing = rows - Initiative.objects.count()
    if missing > 0:
        generate_initiatives(missing, seed=7)
    return {"initiatives": Initiative.objects.count()}


SIMILAR_SAMPLES = 40


def _milliseconds(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {"samples": len(ordered), "p50_ms": round(1000 * ordered[len(ordered) // 2], 1),
            "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
            "max_ms": round(1000 * ordered[-1], 1)}


def similar_cases(kind: str) -> dict:
    return _timed(lambda: _similar_cases(kind))


def _similar_cases(kind: str) -> dict:
    """How long the similar cases of one page take to look up, built afresh (no page cache),
    for a sample of initiatives, of municipalities' answers, or of the largest survey."""
    import random

    from collaboration import need_store, similar_store, similarity
    from collaboration.models import Initiative, SimilarityGram
    from surveys import results
    from surveys.models import SurveyResponse
    from surveys.needs import need_of

    user = User.objects.get(username=BENCH_USER)
    if kind in ("initiative", "initiative-lookup"):
        # The page's read of the kept list, or the lookup it replaces (collaboration/
        # similar_store.py), on the same initiatives.
        read = similar_store if kind == "initiative" else similarity
        pks = list(Initiative.objects.filter(is_published=True).values_list("pk", flat=True))
        initiatives = [Initiative.objects.prefetch_related("policy_fields", "methods").get(pk=pk)
                       for pk in random.Random(1).sample(pks, min(SIMILAR_SAMPLES, len(pks)))]
        lookups = [functools.partial(lambda i: len(read.similar_to_initiative(user, i)),
                                     initiative) for initiative in initiatives]
    elif kind in ("municipality", "municipality-lookup"):
        # The page's read of the need's kept list (collaboration/need_store.py, made by an
        # untimed first read), or the lookup it replaces, on the same answers.
        read = need_store if kind == "municipality" else similarity
        responses = list(SurveyResponse.objects.filter(
            status=SurveyResponse.Status.SUBMITTED).select_related("survey", "municipality")
            .order_by("pk"))
        sample = random.Random(1).sample(responses, min(SIMILAR_SAMPLES, len(responses)))
        for response in sample if read is need_store else ():
            need_store.similar_to_need(user, need_of(response))
        lookups = [functools.partial(lambda r: len(read.similar_to_need(
            user, need_of(r), exclude_municipality=r.municipality)), response)
            for response in sample]
    elif kind in ("survey", "survey-lookup"):
        survey = largest_survey()
        computed = results.results_for(user, survey)
        suggested, needs = results.shared_needs_asked(
            [need[:4] for need in computed["shared_needs"]], computed["responses"],
            computed["results"])
        read = need_store if kind == "survey" else similarity

        def shared_needs():
            found = read.similar_to_needs(user, needs, limit=results.SUGGESTIONS_PER_NEED)
            return sum(len(suggestions) for suggestions in found)

        lookups = [shared_needs] * 5
    else:
        raise ValueError(f"unknown page {kind!r}")
    # The process's first lookup (imports, the folding cache, the connection's first plans) is
    # reported apart: a worker serving pages made it long before, as the pages' warm-up does.
    started = time.perf_counter()
    lookups[0]()
    first_ms = round(1000 * (time.perf_counter() - started), 1)
    timings, shown = [], 0
    for lookup in lookups:
        started = time.perf_counter()
        shown += lookup()
        timings.append(time.perf_counter() - started)
    if kind == "survey":
        shown //= len(lookups)
    return {**_milliseconds(timings), "first_ms": first_ms, "suggestions": shown,
            "index_rows": SimilarityGram.objects.count(),
            "initiatives": Initiative.objects.count()}


def cookie() -> dict:
    """A signed-in session of the benchmark user in this process's database."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=BENCH_USER))
    return {"cookie": f"{settings.SESSION_COOKIE_NAME}="
                      f"{client.cookies[settings.SESSION_COOKIE_NAME].value}"}


def page_queries(path: str) -> dict:
    """The queries of one page built cold in this process, longest first (summed by text)."""
    from collections import Counter

    from django.db import connection
    from django.test import Client

    from portal.lib import caching

    client = Client()
    client.force_login(User.objects.get(username=BENCH_USER))
    client.get(path)  # imports and templates ready; then the cold build itself
    caching.bump(caching.EVERYTHING)
    spent = Counter()

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[" ".join(sql.split())[:160]] += 1000 * (time.perf_counter() - started)

    with connection.execute_wrapper(timed):
        client.get(path, HTTP_HOST="127.0.0.1")
    return {"queries": [(sql, round(ms, 1)) for sql, ms in spent.most_common()]}


def run(what: str, argument: str) -> dict:
    if what == "similar":
        return similar_cases(argument)
    if what == "annual":
        return annual_report(argument)
    if what == "survey":
        return survey_workbook(argument == "charts")
    if what == "csv":
        return csv_export(int(argument))
    if what == "cookie":
        return cookie()
    if what == "page-queries":
        return page_queries(argument)
    if what == "csv-copy":
        return export_against_copy(int(argument))
    if what == "prepare-csv":
        return prepare_csv_rows(int(argument))
    raise ValueError(f"unknown measurement {what!r}")
