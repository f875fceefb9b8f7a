"""The autosave storm: staff of every municipality typing in their shared survey answer at
once, two per municipality, each page saving every 1.5 s as `static/js/autosave.js` does and
answering conflicts by keeping its own text, while prefecture staff watch the survey's status
board (each reloading it about every second). At the end, for every question of every answer,
the stored text must be the one of the last save the server accepted: nothing lost."""

import asyncio
import datetime
import html
import json
import random
import re
import secrets
import string
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from . import load

STORM_TITLE = "【合成】自動保存の負荷試験"
QUESTIONS = 8
SHARED_SHARE = 0.5  # how often an editor types in the question its colleague types in too


@dataclass
class Editor:
    name: str
    municipality_id: int
    cookie: str
    csrf: str
    own: list
    shared: str
    keys: list
    version: int = 0
    base: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    pending: set = field(default_factory=set)
    typed: int = 0


@dataclass
class StormResult:
    editors: int
    seconds: float
    saves: int = 0
    accepted: int = 0
    conflicts: int = 0
    merged: int = 0  # saves that also brought in a colleague's change to another question
    errors: int = 0
    p50: float = 0.0
    p95: float = 0.0
    checked: int = 0
    lost: int = 0
    unsaved: int = 0
    lost_detail: list = field(default_factory=list)
    interval: float = 0.0  # seconds between one editor's saves
    watchers: int = 0  # prefecture staff reloading the status board meanwhile
    board_loads: int = 0
    board_errors: int = 0
    board_p50: float = 0.0
    board_p95: float = 0.0

    @property
    def conflict_share(self) -> float:
        return self.conflicts / self.saves if self.saves else 0.0


def signed_in_cookie(user) -> tuple[str, str]:
    """A session of ``user`` and a CSRF token, as the cookie header a browser would send."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    return (f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            f"; {settings.CSRF_COOKIE_NAME}={csrf}"), csrf


def watching_staff(count: int) -> list[str]:
    """Cookies of ``count`` prefecture staff, each signed in once."""
    from portal.models import Organisation, User

    prefecture = Organisation.objects.filter(kind=Organisation.Kind.PREFECTURE).order_by(
        "pk").first()
    cookies = []
    for seat in range(1, count + 1):
        user, created = User.objects.get_or_create(username=f"storm-staff-{seat}", defaults={
            "role": User.Role.PREFECTURE, "last_name": "負荷試験", "first_name": f"職員{seat}",
            "organisation": prefecture})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        cookies.append(signed_in_cookie(user)[0])
    return cookies


def prepare(editors: int):
    """The storm's survey (open now, its answers emptied) and its editors, signed in."""
    from portal.models import Municipality, Organisation, User
    from surveys.models import Question, Section, Survey, SurveyResponse

    now = timezone.now()
    survey = Survey.objects.filter(title=STORM_TITLE).first()
    if survey is None:
        survey = Survey.objects.create(title=STORM_TITLE, fiscal_year=now.year,
                                       opens_at=now, deadline=now + datetime.timedelta(days=30),
                                       description="合成データ", reminder_plan=[])
        section = Section.objects.create(survey=survey, title="負荷試験", order=1)
        for order in range(1, QUESTIONS + 1):
            Question.objects.create(section=section, order=order, kind=Question.Kind.LONG_TEXT,
                                    text=f"自由記述 {order}")
    Survey.objects.filter(pk=survey.pk).update(opens_at=now - datetime.timedelta(days=1),
                                               deadline=now + datetime.timedelta(days=30))
    survey.municipalities.set(Municipality.objects.all())
    SurveyResponse.objects.filter(survey=survey).delete()
    keys = [f"q{pk}" for pk in Question.objects.filter(section__survey=survey).order_by(
        "order").values_list("pk", flat=True)]
    municipalities = list(Municipality.objects.order_by("lg_code")[:(editors + 1) // 2])
    people = []
    for index in range(editors):
        municipality = municipalities[index // 2]
        seat = index % 2
        user, created = User.objects.get_or_create(
            username=f"storm-{municipality.lg_code}-{seat + 1}", defaults={
                "role": User.Role.MUNICIPAL, "last_name": municipality.name,
                "first_name": f"負荷試験{seat + 1}",
                "organisation": Organisation.objects.get(municipality=municipality)})
        if created:
            user.set_unusable_password()  # signed in by the driver only, never with a password
            user.save(update_fields=["password"])
        cookie, csrf = signed_in_cookie(user)
        shared, rest = keys[0], keys[1:]
        own = rest[seat::2]
        people.append(Editor(user.username, municipality.pk, cookie, csrf, own, shared, keys))
    return survey, people


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


async def _open(editor: Editor, host, port, path):
    status, content, _queries = await load.exchange(host, port, "GET", path, editor.cookie)
    if status != 200:
        raise RuntimeError(f"{editor.name}: the answer page answered {status}")
    page = content.decode()
    editor.version = int(_hidden(page, "version") or 0)
    editor.base = json.loads(_hidden(page, "base") or "{}")
    for key in editor.keys:  # what the page shows: the stored text of every question
        found = re.search(rf'<textarea name="{key}"[^>]*>\n?(.*?)</textarea>', page, re.S)
        editor.values[key] = html.unescape(found.group(1)) if found else ""


async def _save(editor: Editor, host, port, path, result: StormResult, records: list,
                latencies: list) -> bool:
    """One autosave as the page sends it; True when nothing of this editor is waiting."""
    body = urlencode({"version": editor.version, "action": "autosave",
                      "base": json.dumps(editor.base), **editor.values}).encode()
    started = time.perf_counter()
    try:
        status, content, _queries = await load.exchange(
            host, port, "POST", path, editor.cookie, body,
            ("X-Autosave: 1", "Accept: application/json", f"X-CSRFToken: {editor.csrf}"))
        reply = json.loads(content) if status in (200, 409) else None
    except (OSError, ValueError):
        status, reply = 0, None
    latencies.append(time.perf_counter() - started)
    result.saves += 1
    if reply is None or "base" not in reply:
        result.errors += 1
        return False  # like the page: the text stays, the next save tries again
    clashing = {conflict["question"]: conflict for conflict in reply["conflicts"]}
    result.conflicts += status == 409
    result.accepted += status == 200
    result.merged += bool(reply["values"])
    editor.version = reply["version"]
    for key, digest in reply["base"].items():
        if key in clashing:  # the person keeps their own text, having seen the other one
            editor.base[key] = clashing[key]["digest"]
            continue
        if key in reply["values"]:
            editor.values[key] = reply["values"][key].get(key, "")
        elif key in editor.pending:
            records.append((editor.municipality_id, key, reply["version"], editor.values[key]))
            editor.pending.discard(key)
        editor.base[key] = digest
    return not editor.pending


async def _editor(editor: Editor, host, port, path, *, until, interval, rng, result, records,
                  latencies):
    await asyncio.sleep(rng.uniform(0, interval))  # people do not start on the same beat
    await _open(editor, host, port, path)
    while time.monotonic() < until:
        key = editor.shared if rng.random() < SHARED_SHARE else rng.choice(editor.own)
        editor.typed += 1
        editor.values[key] = f"{editor.name} の入力 {editor.typed}"
        editor.pending.add(key)
        await _save(editor, host, port, path, result, records, latencies)
        await asyncio.sleep(interval * rng.uniform(0.8, 1.2))
    for _attempt in range(20):  # leaving the page: saved until nothing waits
        if await _save(editor, host, port, path, result, records, latencies):
            break
        await asyncio.sleep(0.2)


async def _watcher(cookie: str, host, port, path, *, until, every, rng, result, latencies):
    """Prefecture staff keeping the status board open: a reload about every ``every`` s."""
    await asyncio.sleep(rng.uniform(0, every))
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            status, _content, _queries = await load.exchange(host, port, "GET", path, cookie)
        except OSError:
            status = 0
        latencies.append(time.perf_counter() - started)
        result.board_loads += 1
        result.board_errors += status != 200
        await asyncio.sleep(every * rng.uniform(0.8, 1.2))


def _percentiles(latencies) -> tuple[float, float]:
    ordered = sorted(latencies)
    if not ordered:
        return 0.0, 0.0
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def lost_drafts(records, stored: dict) -> list:
    """Questions whose stored text is not the last one the server accepted.

    ``records``: (municipality id, question, version, text) of every accepted change;
    ``stored``: {municipality id: answers} as in the database now."""
    last = {}
    for municipality, key, version, text in records:
        if (municipality, key) not in last or version >= last[(municipality, key)][0]:
            last[(municipality, key)] = (version, text)
    return [{"municipality": municipality, "question": key, "expected": text,
             "stored": stored.get(municipality, {}).get(key)}
            for (municipality, key), (_version, text) in sorted(last.items())
            if stored.get(municipality, {}).get(key) != text]


def run(host: str, port: int, *, editors: int, duration: float, interval: float,
        seed: int = 1, watchers: int = 0, watch_every: float = 1.0) -> StormResult:
    from surveys.models import SurveyResponse

    survey, people = prepare(editors)
    staff = watching_staff(watchers)
    path = f"/surveys/{survey.pk}/answer/"
    board = f"/surveys/{survey.pk}/status/"
    result = StormResult(editors=editors, seconds=duration, interval=interval,
                         watchers=watchers)
    records, latencies, board_latencies = [], [], []
    rng = random.Random(seed)

    async def storm():
        until = time.monotonic() + duration
        await asyncio.gather(*(_editor(
            editor, host, port, path, until=until, interval=interval,
            rng=random.Random(rng.random()), result=result, records=records,
            latencies=latencies) for editor in people), *(_watcher(
                cookie, host, port, board, until=until, every=watch_every,
                rng=random.Random(rng.random()), result=result, latencies=board_latencies)
                for cookie in staff))

    asyncio.run(storm())
    stored = dict(SurveyResponse.objects.filter(survey=survey).values_list(
        "municipality_id", "answers"))
    lost = lost_drafts(records, stored)
    result.checked = len({(record[0], record[1]) for record in records})
    result.lost, result.lost_detail = len(lost), lost[:20]
    result.unsaved = sum(len(editor.pending) for editor in people)
    result.p50, result.p95 = _percentiles(latencies)
    result.board_p50, result.board_p95 = _percentiles(board_latencies)
    return result


def summary(result: StormResult) -> list[str]:
    return [
        f"saves {result.saves}, accepted {result.accepted}, conflicts {result.conflicts} "
        f"({result.conflict_share:.0%}), with a colleague's change merged in {result.merged}, "
        f"errors {result.errors}",
        f"save latency p50 {result.p50 * 1000:.1f} ms, p95 {result.p95 * 1000:.1f} ms",
        f"status board ({result.watchers} staff watching): loads {result.board_loads}, "
        f"errors {result.board_errors}, p50 {result.board_p50 * 1000:.1f} ms, "
        f"p95 {result.board_p95 * 1000:.1f} ms",
        f"questions checked {result.checked}: drafts lost {result.lost}, "
        f"left unsaved {result.unsaved}",
    ]


def report(result: StormResult, output, say) -> bool:
    passed = (result.lost == 0 and result.unsaved == 0 and result.errors == 0
              and result.board_errors == 0)
    text = "\n".join([
        f"Autosave storm — {datetime.datetime.now():%Y-%m-%d %H:%M}: {result.editors} editors "
        f"(two per municipality) for {result.seconds:g} s, gunicorn 3 sync workers",
        *summary(result),
        "No draft lost." if passed else "Drafts were LOST or saves failed.",
    ])
    say(text)
    output.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"
    (output / f"storm-{stamp}.txt").write_text(text + "\n", encoding="utf-8")
    (output / f"storm-{stamp}.json").write_text(json.dumps(
        {**asdict(result), "conflict_share": result.conflict_share, "passed": passed},
        ensure_ascii=False, indent=2), encoding="utf-8")
    say(f"Written to {output}/storm-{stamp}.txt and .json")
    return passed


def benchmark(*, editors: int, duration: float, interval: float, output, say,
              watchers: int = 0) -> bool:
    """`make storm`: the storm against the portal under gunicorn as in production."""
    from django.core.management import call_command

    from . import server

    say(f"Autosave storm: {editors} editors for {duration:g} s, a save every {interval:g} s …")
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    port = server.free_port()
    with server.gunicorn(port):
        result = run("127.0.0.1", port, editors=editors, duration=duration, interval=interval,
                     watchers=watchers)
    return report(result, output, say)
