"""Concurrent clients over loopback: each request a fresh connection, as gunicorn's sync
workers close them, timed from connect to the last byte."""

import asyncio
import itertools
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    status: int
    seconds: float
    queries: int | None


@dataclass(frozen=True)
class PageResult:
    name: str
    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    queries_mean: float | None
    queries_max: int | None
    cold: Sample | None = None  # the median of its builds with nothing in the cache

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def _get(host: str, port: int, path: str, cookie: str) -> Sample:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                  "Accept-Encoding: identity\r\nConnection: close\r\n\r\n").encode())
    await writer.drain()
    data = await reader.read()
    seconds = time.perf_counter() - started
    writer.close()
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1]) if head and head[0].startswith("HTTP/") else 0
    queries = next((int(line.split(":", 1)[1]) for line in head[1:]
                    if line.lower().startswith("x-query-count:")), None)
    return Sample(status, seconds, queries)


def _percentile(ordered: list[float], share: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _drive(host, port, paths, cookie, clients, duration, warmup) -> list[Sample]:
    rotation = itertools.cycle(paths)
    samples: list[Sample] = []
    failures = 0
    measuring_from = time.perf_counter() + warmup
    stop_at = measuring_from + duration

    async def client():
        nonlocal failures
        while (now := time.perf_counter()) < stop_at:
            try:
                sample = await _get(host, port, next(rotation), cookie)
            except OSError:
                sample = Sample(0, time.perf_counter() - now, None)
            if now >= measuring_from:
                samples.append(sample)

    await asyncio.gather(*(client() for _ in range(clients)))
    return samples


def measure_page(name: str, paths: list[str], *, host: str, port: int, cookie: str,
                 clients: int, duration: float, warmup: float, cold: Sample | None = None
                 ) -> PageResult:
    samples = asyncio.run(_drive(host, port, paths, cookie, clients, duration, warmup))
    return summarise(name, samples, duration, cold)


def summarise(name: str, samples: list[Sample], duration: float, cold: Sample | None = None
              ) -> PageResult:
    """Requests per second, errors (anything but 200), percentiles and queries of a run."""
    ordered = sorted(sample.seconds for sample in samples)
    counts = [sample.queries for sample in samples if sample.queries is not None]
    return PageResult(
        name=name, requests=len(samples), seconds=duration,
        errors=sum(1 for sample in samples if sample.status != 200),
        p50=_percentile(ordered, 0.50), p95=_percentile(ordered, 0.95),
        p99=_percentile(ordered, 0.99),
        queries_mean=sum(counts) / len(counts) if counts else None,
        queries_max=max(counts) if counts else None, cold=cold)


def ready_workers(paths: list[str], *, host: str, port: int, cookie: str,
                  seconds: float = 1.0) -> None:
    """Several clients at once for a moment, so that every worker has served ``paths``
    (compiled their templates, read what a process reads once) before cold builds are timed:
    a new worker's first request of a page costs 60–120 ms more, once per deploy."""
    asyncio.run(_drive(host, port, paths, cookie, 6, seconds, 0))


def first_request(path: str, *, host: str, port: int, cookie: str) -> Sample:
    return asyncio.run(_get(host, port, path, cookie))


async def exchange(host: str, port: int, method: str, path: str, cookie: str,
                   body: bytes = b"", headers=()) -> tuple[int, bytes, int | None]:
    """One request on a fresh connection: status, body and the server's X-Query-Count."""
    reader, writer = await asyncio.open_connection(host, port)
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Cookie: {cookie}",
            "Accept-Encoding: identity", "Connection: close", *headers]
    if body:
        head += ["Content-Type: application/x-www-form-urlencoded",
                 f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    top, _sep, content = data.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
    if b"transfer-encoding: chunked" in top.lower():
        content = _unchunk(content)
    queries = next((int(line.split(":", 1)[1]) for line in lines[1:]
                    if line.lower().startswith("x-query-count:")), None)
    return status, content, queries


def _unchunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _sep, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2:]
    return out
