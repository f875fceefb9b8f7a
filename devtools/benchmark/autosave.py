"""The draft save (the answer page's autosave) in `make bench`: driven at the page rows'
concurrency, one editor per client each typing in its own municipality's answer, then the
deadline-day storm with prefecture staff watching the status board. Verdicts are ratios to
the signed-in floor measured in the same run: the draft save's to the floor driven just before
and just after it (the machine drifts over a run by more than the margin judged)."""

import asyncio
import json
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from . import load, storm

ROW = "autosave (draft save)"
TARGET_SHARE_OF_SIGNED_IN = 0.50  # the draft save's throughput ÷ the signed-in floor's
TARGET_P95_OVER_SIGNED_IN = 3.0  # storm p95 (saves and board) ÷ the signed-in floor's p95


async def draft_save(editor: storm.Editor, host: str, port: int, path: str) -> load.Sample:
    """The next keystrokes of ``editor`` in one of its questions, saved as the page does; the
    reply's version and digests become the page's."""
    key = editor.keys[editor.typed % len(editor.keys)]
    editor.typed += 1
    editor.values[key] = f"{editor.name} の入力 {editor.typed}"
    body = urlencode({"version": editor.version, "action": "autosave",
                      "base": json.dumps(editor.base), **editor.values}).encode()
    started = time.perf_counter()
    try:
        status, content, queries = await load.exchange(
            host, port, "POST", path, editor.cookie, body,
            ("X-Autosave: 1", "Accept: application/json", f"X-CSRFToken: {editor.csrf}"))
    except OSError:
        return load.Sample(0, time.perf_counter() - started, None)
    seconds = time.perf_counter() - started
    if status == 200:
        reply = json.loads(content)
        editor.version, editor.base = reply["version"], reply["base"]
    return load.Sample(status, seconds, queries)


def measure_draft_saves(host: str, port: int, *, clients: int, duration: float,
                        warmup: float) -> load.PageResult:
    """``clients`` editors, each alone in its municipality's answer, saving back to back."""
    survey, people = storm.prepare(2 * clients)
    editors = people[::2]  # one seat per municipality: every save applies, none conflicts
    path = f"/surveys/{survey.pk}/answer/"

    async def drive():
        await asyncio.gather(*(storm._open(editor, host, port, path) for editor in editors))
        samples: list[load.Sample] = []
        measuring_from = time.perf_counter() + warmup
        stop_at = measuring_from + duration

        async def client(editor):
            while (now := time.perf_counter()) < stop_at:
                sample = await draft_save(editor, host, port, path)
                if now >= measuring_from:
                    samples.append(sample)

        await asyncio.gather(*(client(editor) for editor in editors))
        return samples

    return load.summarise(ROW, asyncio.run(drive()), duration)


@dataclass
class Measured:
    saves: load.PageResult
    storm: storm.StormResult
    # The signed-in floor driven just before and just after the draft saves.
    beside: tuple[load.PageResult, load.PageResult] | None = None

    def floor_beside(self, signed_in: load.PageResult) -> float:
        """The signed-in floor's req/s the draft saves are judged against."""
        if self.beside is None:
            return signed_in.rps
        return sum(result.rps for result in self.beside) / len(self.beside)


def measure(host: str, port: int, *, clients: int, duration: float, warmup: float,
            editors: int, storm_seconds: float, interval: float, watchers: int,
            say, floor: tuple[str, str] | None = None) -> Measured:
    """``floor``: the signed-in floor's path and cookie, driven beside the draft saves."""
    def drive_floor() -> load.PageResult | None:
        if floor is None:
            return None
        path, cookie = floor
        return load.measure_page("signed-in floor", [path], host=host, port=port,
                                 cookie=cookie, clients=clients, duration=duration,
                                 warmup=warmup)

    say(f"  {ROW} …")
    before = drive_floor()
    saves = measure_draft_saves(host, port, clients=clients, duration=duration, warmup=warmup)
    after = drive_floor()
    say(f"  autosave storm: {editors} editors, a save every {interval:g} s for "
        f"{storm_seconds:g} s, {watchers} staff watching the board …")
    stormed = storm.run(host, port, editors=editors, duration=storm_seconds, interval=interval,
                        watchers=watchers)
    return Measured(saves, stormed, (before, after) if floor is not None else None)


def saves_verdict(saves: load.PageResult, signed_in: load.PageResult,
                  floor_rps: float | None = None) -> bool:
    """``floor_rps``: the signed-in floor's req/s beside the saves (else ``signed_in``'s)."""
    floor_rps = signed_in.rps if floor_rps is None else floor_rps
    return saves.errors == 0 and floor_rps > 0 and \
        saves.rps >= TARGET_SHARE_OF_SIGNED_IN * floor_rps


def storm_verdict(result: storm.StormResult, signed_in: load.PageResult) -> bool:
    bound = TARGET_P95_OVER_SIGNED_IN * signed_in.p95
    return (result.saves > 0 and result.board_loads > 0 and result.errors == 0
            and result.board_errors == 0 and result.lost == 0 and result.unsaved == 0
            and result.p95 < bound and result.board_p95 < bound)


def section(measured: Measured, signed_in: load.PageResult) -> tuple[list[str], bool]:
    """The lines of the bench report about autosave, and whether its targets were met."""
    saves, stormed = measured.saves, measured.storm
    floor_rps = measured.floor_beside(signed_in)
    saves_ok = saves_verdict(saves, signed_in, floor_rps)
    storm_ok = storm_verdict(stormed, signed_in)
    share = saves.rps / floor_rps if floor_rps else 0
    bound = TARGET_P95_OVER_SIGNED_IN * signed_in.p95 * 1000
    queries = "—" if saves.queries_max is None else f"{saves.queries_max}"
    return [
        "",
        f"{'autosave':<26}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'queries':>9}{'÷signed':>9}  verdict (≥ {TARGET_SHARE_OF_SIGNED_IN:.0%} of the "
        "signed-in floor)",
        f"{saves.name:<26}{saves.rps:>8.1f}{saves.p50 * 1000:>9.1f}{saves.p95 * 1000:>9.1f}"
        f"{saves.p99 * 1000:>9.1f}{saves.errors:>8}{queries:>9}{share:>9.0%}"
        f"  {'ok' if saves_ok else 'MISSED'}",
        *([f"  against the signed-in floor driven beside it: {floor_rps:.1f} req/s (before "
           f"{measured.beside[0].rps:.1f}, after {measured.beside[1].rps:.1f}; the page rows' "
           f"{signed_in.rps:.1f})"] if measured.beside is not None else []),
        f"Autosave storm: {stormed.editors} editors (two per municipality), a save every "
        f"{stormed.interval:g} s for {stormed.seconds:g} s, "
        f"{stormed.watchers} prefecture staff reloading the status board",
        *("  " + line for line in storm.summary(stormed)),
        f"  target: save and board p95 < {TARGET_P95_OVER_SIGNED_IN:g}× the signed-in floor's "
        f"p95 ({bound:.1f} ms), 0 errors, 0 drafts lost: {'ok' if storm_ok else 'MISSED'}",
    ], saves_ok and storm_ok

