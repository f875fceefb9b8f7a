"""Prepares the decade data set, drives each page, runs the measurements, reports."""

import datetime
import json
import os
import random
from dataclasses import asdict, replace
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from . import autosave, export_copy, load, measures, server
from . import cold as cold_builds
from .subprocesses import database_url, ensure_database, manage, measure

TARGET_SHARE_OF_FLOOR = 0.30
TARGET_P95_SECONDS = 0.150
TARGET_ANNUAL_SECONDS = 10.0
# Pages driven as an anonymous visitor of the public site (no session cookie); the public
# catalogue is shared by every visitor, so it must serve at least 3× the signed-in catalogue.
ANONYMOUS_PAGES = {"public catalogue", "API initiatives"}
TARGET_PUBLIC_OVER_SIGNED_IN = 3.0
CSV_ROWS = (10_000, 50_000, 100_000)


def prepare(scale: float, say) -> None:
    from collaboration.models import Initiative
    from devtools.demo.portal import create_demo_users

    say("Preparing the decade data set (kept between runs) …")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    create_demo_users()
    if not Initiative.objects.filter(title__startswith="【合成】").exists():
        say(manage("generate_demo_data", "--scale", str(scale)).strip())
    from collaboration.models import SimilarCase, SimilarityGram
    from devtools.synthetic.similar import KEPT_LISTS_AT_MOST

    # A data set generated before the index, or before the kept lists of similar cases.
    if not SimilarityGram.objects.exists() or (
            not SimilarCase.objects.exists()
            and Initiative.objects.count() <= KEPT_LISTS_AT_MOST):
        say(manage("rebuild_similar_cases").strip())
    call_command("collectstatic", interactive=False, verbosity=0)
    cold_builds.settle_statistics()
    from portal.models import SiteSettings

    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def pages() -> list[tuple[str, list[str]]]:
    from collaboration.models import Category, Initiative
    from portal.models import Region, Report, User

    published = list(Initiative.objects.filter(is_published=True).values_list("pk", flat=True))
    sample = random.Random(1).sample(published, min(50, len(published)))
    survey = measures.largest_survey()
    category = Category.objects.annotate(n=Count("initiatives")).order_by("-n").first()
    region = Region.objects.order_by("sort_order").first()
    report = Report.objects.filter(requested_by__username=measures.BENCH_USER).first() \
        or Report.objects.create(kind="annual_pdf", params={"year": 2026}, title="benchmark",
                                 requested_by=User.objects.get(username=measures.BENCH_USER))
    return [
        ("floor (robots.txt)", ["/robots.txt"]),
        ("signed-in floor", [f"/reports/{report.pk}/status.json"]),
        ("catalogue", ["/initiatives/"]),
        ("catalogue filtered", [f"/initiatives/?category={category.code}&region={region.code}"
                                "&status=active"]),
        ("catalogue search 水道", ["/initiatives/?q=%E6%B0%B4%E9%81%93"]),
        ("initiative page", [f"/initiatives/{pk}/" for pk in sample]),
        ("survey status board", [f"/surveys/{survey.pk}/status/"]),
        ("survey results", [f"/surveys/{survey.pk}/results/"]),
        ("municipality page", ["/municipalities/062014/"]),
        ("dashboard", ["/dashboard/"]),
        ("public catalogue", ["/initiatives/"]),
        ("API initiatives", ["/api/v1/initiatives/"]),
    ]


def benchmark(*, scale: float, clients: int, duration: float, warmup: float, csv: bool,
              output: Path, say, storm_options: dict, only=(), measurements: bool = True
              ) -> bool:
    prepare(scale, say)
    from portal.models import User

    from .plans import explain

    say("Query plans of each page built afresh …")
    user = User.objects.get(username=measures.BENCH_USER)
    # ``only``: the pages to drive, by name; the two floors are always driven.
    driven = [page for index, page in enumerate(pages()) if index < 2 or not only
              or page[0] in only]
    plans = explain(driven, user)
    cookie = session_cookie(user)
    port = server.free_port()
    results = []
    with server.gunicorn(port):
        for name, paths in driven:
            say(f"  {name} …")
            as_who = "" if name in ANONYMOUS_PAGES else cookie
            driven_result = load.measure_page(name, paths, host="127.0.0.1", port=port,
                                              cookie=as_who, clients=clients,
                                              duration=duration, warmup=warmup)
            # Cold after the load: each worker has served the page (compiled its templates)
            # as in production, so the figure is the empty cache's cost, not a new worker's.
            results.append(replace(driven_result, cold=cold_builds.median_cold(
                name, paths, floor=(driven[1][1][0], cookie), host="127.0.0.1", port=port,
                cookie=as_who)))
        say(f"  {cold_builds.SEARCH_ROW} …")
        searches = cold_builds.searches(floor=(driven[1][1][0], cookie), host="127.0.0.1",
                                        port=port, cookie=cookie)
        autosaves = autosave.measure("127.0.0.1", port, clients=clients, duration=duration,
                                     warmup=warmup, say=say, floor=(driven[1][1][0], cookie),
                                     **storm_options)
    sections = extra_sections(driven, cookie, clients=clients, duration=duration,
                              warmup=warmup, say=say)
    say("Measuring reports and exports …")
    jobs = {
        "annual report (PDF)": ("annual", "pdf", None),
        "annual report (xlsx)": ("annual", "xlsx", None),
        "survey workbook with charts (xlsx)": ("survey", "charts", None),
        "survey quick download (xlsx)": ("survey", "plain", None),
        "similar cases of an initiative page (kept list)": ("similar", "initiative", None),
        "similar cases of an initiative page, looked up": ("similar", "initiative-lookup",
                                                           None),
        "similar cases of a municipality's needs (横展開の候補), kept list": (
            "similar", "municipality", None),
        "similar cases of a municipality's needs, looked up": ("similar", "municipality-lookup",
                                                                None),
        "similar cases of the largest survey's shared needs, kept lists": ("similar", "survey",
                                                                             None),
        "similar cases of the largest survey's shared needs, looked up": (
            "similar", "survey-lookup", None),
    }
    if csv and measurements:
        csv_database = database_url(urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
                                    + "_csv")
        ensure_database(csv_database)
        manage("migrate", database=csv_database)
        manage("load_reference_data", database=csv_database)
        manage("shell", "-c", "from devtools.demo.portal import create_demo_users; "
               "create_demo_users()", database=csv_database)
        say("  CSV database: " + json.dumps(measure("prepare-csv", str(max(CSV_ROWS)),
                                                     csv_database)))
        for rows in CSV_ROWS:
            jobs[f"CSV export, {rows:,} rows"] = ("csv", str(rows), csv_database)
        jobs[export_copy.LABEL] = ("csv-copy", str(max(CSV_ROWS)), csv_database)
    measured = {}
    for label, (what, argument, database) in jobs.items() if measurements else ():
        say(f"  {label} …")
        measured[label] = measure(what, argument, database)
    return report(results, measured, plans, clients=clients, duration=duration, output=output,
                  say=say, autosaves=autosaves, searches=searches, sections=sections)


def extra_sections(driven, cookie: str, *, clients, duration, warmup, say) -> list:
    """The signed-in floor under each session engine and, when the scale-10 data set has
    been built (`make bench-large`), the cold pages at both scales."""
    from . import growth, sessions

    floor_path = dict(driven)["signed-in floor"][0]
    sections = [sessions.section(sessions.floors(floor_path, cookie, clients=clients,
                                                 duration=duration, warmup=warmup, say=say))]
    if growth.exists():
        say("  cold pages at scale 1 and scale 10 …")
        sections.append(growth.section(growth.measure(say=say)))
    return sections


# Looking up the similar cases of one page, built afresh (DESIGN: pages in tens of ms).
TARGET_SIMILAR_MS = 50


def report(results, measured, plans: str, *, clients, duration, output: Path, say,
           autosaves=None, searches: dict | None = None, sections=()) -> bool:
    floor = results[0]
    lines = [f"Renkei Portal benchmark — {datetime.datetime.now():%Y-%m-%d %H:%M}, "
             f"{clients} clients, {duration:g} s per page, gunicorn 3 sync workers, "
             f"PostgreSQL + Redis, {os.cpu_count()} CPUs", "",
             f"{'page':<26}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
             f"{'errors':>8}{'queries':>9}{'÷floor':>8}{'÷signed':>9}{'cold ms':>9}"
             f"{'cold q':>8}  verdict"]
    passed = True
    signed_in = results[1]
    for result in results:
        share = result.rps / floor.rps if floor.rps else 0
        signed_share = result.rps / signed_in.rps if signed_in.rps else 0
        # Every page is behind the login: its floor is the signed-in one (session and user).
        ok = result.errors == 0 and (result in (floor, signed_in) or (
            signed_share >= TARGET_SHARE_OF_FLOOR and result.p95 < TARGET_P95_SECONDS))
        if result.name == "public catalogue":
            catalogue = next(r for r in results if r.name == "catalogue")
            ok = ok and result.rps >= TARGET_PUBLIC_OVER_SIGNED_IN * catalogue.rps
        passed &= ok
        queries = "—" if result.queries_max is None else f"{result.queries_max}"
        lines.append(f"{result.name:<26}{result.rps:>8.1f}{result.p50 * 1000:>9.1f}"
                     f"{result.p95 * 1000:>9.1f}{result.p99 * 1000:>9.1f}{result.errors:>8}"
                     f"{queries:>9}{share:>8.0%}{signed_share:>9.0%}"
                     f"{result.cold.seconds * 1000:>9.1f}{result.cold.queries or 0:>8}"
                     f"  {'ok' if ok else 'MISSED'}")
    if searches is not None:
        cold_lines, cold_ok = cold_builds.report_lines(results, searches)
        lines += ["", *cold_lines]
        passed &= cold_ok
    lines += ["", f"{'measurement':<38}{'seconds':>9}{'peak MiB':>10}{'growth MiB':>12}"
              f"  detail"]
    for label, values in measured.items():
        ok = not label.startswith("annual") or values["seconds"] < TARGET_ANNUAL_SECONDS
        if label.startswith("similar cases"):
            ok = values["p95_ms"] <= TARGET_SIMILAR_MS
        passed &= ok
        detail = {k: v for k, v in values.items()
                  if k not in ("seconds", "peak_mib", "growth_mib")}
        lines.append(f"{label:<38}{values['seconds']:>9.2f}{values['peak_mib']:>10.1f}"
                     f"{values['growth_mib']:>12.1f}  {json.dumps(detail)}"
                     f"{'' if ok else '  MISSED'}")
    csv_growth = [values["growth_mib"] for label, values in measured.items()
                  if label.startswith("CSV")]
    if len(csv_growth) > 1:
        # Flat: the largest export may not grow memory by more than 25% over the smallest.
        flat = csv_growth[-1] <= csv_growth[0] * 1.25 + 5
        passed &= flat
        lines.append(f"CSV export memory flat as rows grow: {'ok' if flat else 'MISSED'}")
    if autosaves is not None:
        autosave_lines, autosave_ok = autosave.section(autosaves, signed_in)
        lines += autosave_lines
        passed &= autosave_ok
    for section_lines, ok in [export_copy.section(measured), *sections]:
        lines += section_lines
        passed &= ok
    lines += ["", "All targets met." if passed else "Some targets were MISSED."]
    text = "\n".join(lines)
    say(text)
    output.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"
    (output / f"bench-{stamp}.txt").write_text(text + "\n", encoding="utf-8")
    (output / f"plans-{stamp}.txt").write_text(plans + "\n", encoding="utf-8")
    (output / f"bench-{stamp}.json").write_text(json.dumps({
        "pages": [{**asdict(r), "rps": r.rps} for r in results], "measurements": measured,
        "clients": clients, "duration": duration, "passed": passed, "cold_searches": searches,
        "autosave": asdict(autosaves) if autosaves is not None else None,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    say(f"Written to {output}/bench-{stamp}.txt and .json, query plans to plans-{stamp}.txt")
    return passed
