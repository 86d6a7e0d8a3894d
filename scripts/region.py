#!/usr/bin/env python3
"""Region scale, measured (docs/benchmarks.md, P2, P3, P6).

Seeds `serve --demo --scale N` (default 66: about 100,000 cases) into a
store, then measures through HTTP on loopback, with the release build:

  P6  each server query: a sync page, a case's detail, the throughput
      figures for a year, a casusregisseur's stagnation inputs (their
      scoped sync); median and max of repeated calls;
  P3  the bytes of a delta carrying one change, against the full sync,
      plain and compressed;
  P2  an idle poll (304) under wrk against the hello-world yardstick.

  scripts/region.py sqlite            # a fresh SQLite file
  scripts/region.py postgres          # a fresh schema in $REGIEDESK_TEST_DATABASE_URL
  SCALE=7 scripts/region.py sqlite    # smaller

Needs `cargo build --release --bin regiedesk --example hello` and wrk.
"""

import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import urllib.error

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/regiedesk")
HELLO = os.path.join(ROOT, "target/release/examples/hello")
PORT, HELLO_PORT = 7893, 7894
BASE = f"http://127.0.0.1:{PORT}"
SCALE = int(os.environ.get("SCALE", "66"))
REPEAT = int(os.environ.get("REPEAT", "20"))


def call(path, login="pm", headers=None, method="GET", body=None, raw=False):
    """(status, body bytes, response headers, seconds)."""
    request = urllib.request.Request(BASE + path, method=method, data=body)
    request.add_header("authorization", f"Bearer demo-{login}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request) as response:
            data = response.read()
            return response.status, data, dict(response.headers), time.perf_counter() - started
    except urllib.error.HTTPError as error:
        data = error.read()
        return error.code, data, dict(error.headers), time.perf_counter() - started


def timed(name, path, login="pm"):
    times = []
    for _ in range(REPEAT):
        status, _, _, seconds = call(path, login)
        assert status == 200, (name, status)
        times.append(seconds * 1000)
    print(f"  {name:<38} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")
    return statistics.median(times)


def full_sync(login, accept_encoding=None):
    """Follows a full sync to its end: (cursor, etag, plain bytes, wire bytes, pages)."""
    since, plain, wire, pages = "", 0, 0, 0
    while True:
        headers = {"accept-encoding": accept_encoding} if accept_encoding else {}
        status, data, response_headers, _ = call(f"/api/v1/sync?limit=5000&since={since}", login, headers)
        assert status == 200, status
        wire += len(data)
        if accept_encoding:
            import gzip
            data = gzip.decompress(data)
        plain += len(data)
        page = json.loads(data)
        pages += 1
        since = page["cursor"]
        if not page["has_more"]:
            return since, response_headers.get("etag") or response_headers.get("ETag"), plain, wire, pages


def wrk(url, *headers):
    args = ["wrk", "-t2", "-c32", "-d10s", url]
    for header in headers:
        args[1:1] = ["-H", header]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")))


# The store's statements (store/shared.rs) whose plans matter at scale.
PLANS = {
    "a sync page's end (unscoped)":
        "SELECT seq FROM (SELECT * FROM (SELECT c.seq FROM cases c WHERE c.seq > 0 ORDER BY c.seq LIMIT 1001) AS c "
        "UNION ALL SELECT * FROM (SELECT r.seq FROM requests r WHERE r.seq > 0 ORDER BY r.seq LIMIT 1001) AS r "
        "UNION ALL SELECT * FROM (SELECT p.seq FROM people p WHERE p.seq > 0 ORDER BY p.seq LIMIT 1001) AS p"
        ") AS s ORDER BY seq LIMIT 2 OFFSET 999",
    "a sync page's cases (unscoped)":
        "SELECT c.* FROM cases c WHERE c.seq > 0 AND c.seq <= 1000 ORDER BY c.seq",
    "a casusregisseur's cases (scoped sync)":
        "SELECT c.* FROM cases c WHERE c.seq > 0 AND c.seq <= 9999999 AND c.casusregisseur = 'cr-07' ORDER BY c.seq",
    "a casusregisseur's requests (scoped sync)":
        "SELECT r.* FROM requests r JOIN cases c ON c.id = r.case_id "
        "WHERE r.seq > 0 AND r.seq <= 9999999 AND c.casusregisseur = 'cr-07' ORDER BY r.seq",
    "a case's history (detail)":
        "SELECT * FROM case_events WHERE case_id = 4242 ORDER BY id",
    "a case's requests (detail)":
        "SELECT * FROM requests r WHERE r.case_id = 4242 ORDER BY r.id",
}


def explain(backend, url, admin):
    print(f"\nQuery plans ({backend})")
    for name, sql in PLANS.items():
        if backend == "sqlite":
            out = subprocess.run(["sqlite3", url.removeprefix("sqlite://"), f"EXPLAIN QUERY PLAN {sql}"],
                                 capture_output=True, text=True).stdout
        else:
            schema = url.rsplit("%3D", 1)[1]
            out = subprocess.run(["psql", admin, "-qtAc", f"SET search_path={schema}; EXPLAIN {sql}"],
                                 capture_output=True, text=True).stdout
        print(f"  {name}:")
        for line in out.strip().splitlines():
            print(f"    {line}")


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    scratch = tempfile.mkdtemp()
    if backend == "sqlite":
        url = f"sqlite://{scratch}/region.db"
    else:
        admin = os.environ.get("REGIEDESK_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
        schema = f"rd_region_{os.getpid()}"
        subprocess.run(["psql", admin, "-qc", f"CREATE SCHEMA {schema}"], check=True)
        url = f"{admin}?options=-c%20search_path%3D{schema}"
    env = dict(os.environ, RUST_LOG="warn")
    server = subprocess.Popen(
        [BIN, "serve", "--demo", "--scale", str(SCALE), "--bind", f"127.0.0.1:{PORT}", "--database-url", url],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    hello = subprocess.Popen([HELLO, f"127.0.0.1:{HELLO_PORT}"])
    try:
        for line in server.stdout:
            if "demogemeente" in line or "demo municipality" in line:
                print(f"{backend}: {line.strip()}")
            if "zaak-API op" in line or "case API on" in line:
                break
        explain(backend, url, admin if backend != "sqlite" else None)
        print(f"\nP6 server queries at scale {SCALE} ({backend}, {REPEAT} calls each)")
        today = datetime.date.today()
        year = f"from={today - datetime.timedelta(days=364)}&to={today}"
        _, first, _, _ = call("/api/v1/sync?limit=1000", "pm")
        middle = json.loads(first)["cursor"]
        timed("sync page, 1000 items, from the start", "/api/v1/sync?limit=1000")
        timed("sync page, 1000 items, from a cursor", f"/api/v1/sync?limit=1000&since={middle}")
        _, mine, _, _ = call("/api/v1/sync?limit=5000", "cr-07")
        case_id = json.loads(mine)["cases"][0]["id"]
        timed("case detail", f"/api/v1/cases/{case_id}")
        status, _, _, seconds = call(f"/api/v1/stats/throughput?{year}&by=week")
        assert status == 200, status
        print(f"  {'throughput, first call (mirror loads)':<38} {seconds * 1000:7.1f} ms")
        timed("throughput, a year by week", f"/api/v1/stats/throughput?{year}&by=week")
        # After a change the figures are computed anew over the mirror.
        _, mine, _, _ = call("/api/v1/sync?limit=5000", "cr-07")
        working = next(c for c in json.loads(mine)["cases"] if c["status"] in ("plan", "execution"))
        version, times = working["version"], []
        for i in range(REPEAT):
            status, _, _, _ = call(f"/api/v1/cases/{working['id']}/activity", "cr-07",
                                   {"if-match": f"\"case-{working['id']}-v{version}\"", "content-type": "application/json"},
                                   "POST", json.dumps({"note": f"gesprek {i}"}).encode())
            assert status == 200, status
            version += 1
            status, _, _, seconds = call(f"/api/v1/stats/throughput?{year}&by=week")
            assert status == 200, status
            times.append(seconds * 1000)
        print(f"  {'throughput, a year, after a change':<38} median {statistics.median(times):7.1f} ms"
              f"   max {max(times):7.1f} ms")
        timed("throughput, a month by day", f"/api/v1/stats/throughput?from={today.replace(day=1)}&to={today}&by=day")
        timed("stagnation inputs (cr-07's full sync)", "/api/v1/sync?limit=5000", "cr-07")

        print(f"\nP3 delta of one change ({backend})")
        cursor, etag, plain, _, pages = full_sync("pr-jeugd")
        _, _, gz_plain, gz_wire, _ = full_sync("pr-jeugd", "gzip")
        print(f"  full sync (pr-jeugd): {plain:,} bytes in {pages} pages; gzip on the wire {gz_wire:,} bytes")
        # One change: cr-07 records activity on one of their cases.
        _, mine, _, _ = call("/api/v1/sync?limit=5000", "cr-07")
        case = next(c for c in json.loads(mine)["cases"] if c["status"] in ("plan", "execution"))
        status, _, _, _ = call(f"/api/v1/cases/{case['id']}/activity", "cr-07",
                               {"if-match": f"\"case-{case['id']}-v{case['version']}\"", "content-type": "application/json"},
                               "POST", json.dumps({"note": "huisbezoek"}).encode())
        assert status == 200, status
        status, delta, _, _ = call(f"/api/v1/sync?since={cursor}", "pr-jeugd", {"if-none-match": etag})
        assert status == 200, status
        changed = json.loads(delta)
        assert len(changed["cases"]) == 1, changed
        print(f"  delta with one change: {len(delta):,} bytes; full / delta = {plain / len(delta):,.0f}x")

        print(f"\nP2 idle poll ({backend})")
        cursor, etag, _, _, _ = full_sync("pr-jeugd")
        status, _, _, _ = call(f"/api/v1/sync?since={cursor}", "pr-jeugd", {"if-none-match": etag})
        assert status == 304, status
        hello_rate = wrk(f"http://127.0.0.1:{HELLO_PORT}/")
        poll_rate = wrk(f"{BASE}/api/v1/sync?since={cursor}", "authorization: Bearer demo-pr-jeugd",
                        f"if-none-match: {etag}")
        me_rate = wrk(f"{BASE}/api/v1/me", "authorization: Bearer demo-pr-jeugd")
        health_rate = wrk(f"{BASE}/healthz")
        print(f"  hello-world   {hello_rate:9,.0f} req/s")
        for name, rate in [("sync 304", poll_rate), ("/me", me_rate), ("/healthz", health_rate)]:
            print(f"  {name:<13} {rate:9,.0f} req/s   ratio {rate / hello_rate:.2f}")
    finally:
        server.terminate()
        hello.terminate()
        server.wait()
        if backend != "sqlite":
            subprocess.run(["psql", admin, "-qc", f"DROP SCHEMA {schema} CASCADE"], check=False)


if __name__ == "__main__":
    main()
