"""`make bench`: measure the production-like server and write the report.

The steps, in order:
1. prepare the bench's own database (seeds plus scale data, generated once);
2. start gunicorn with bench/settings.py (the bare view mounted);
3. for the bare view and each page: a warm-up, then wrk for a bounded time;
   bare view and pages alternate, and each page is reported as a ratio of
   the bare runs either side of it (the machine is shared and noisy; the
   ratio holds better from run to run than requests per second);
4. the same pages with the page cache turned off: what a first hit after a
   change costs;
5. inquiries from 16 concurrent clients, then a count in the database that
   every acknowledged one was saved (no ratio target: no errors and none
   lost is the pass);
6. each worker's memory (VmRSS) after all that load;
7. the admin list and dashboard timed at scale (``time_admin``);
8. JSON and Markdown under ``var/bench/``.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import report as reports
from . import wrk
from .server import BASE_DIR, Server, free_port, server_environment

PREFERRED_COLLEGE = "chongqing-industry-polytechnic-college"
CLIENTS = 16
# The size: docs/benchmark.md shows runs at this size only.
FULL_SIZE = (3000, 1_000_000)


def log(message):
    print(f"bench: {message}", flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    env = os.environ.get
    parser.add_argument(
        "--colleges", type=int, default=int(env("BENCH_COLLEGES", 3000))
    )
    parser.add_argument(
        "--inquiries", type=int, default=int(env("BENCH_INQUIRIES", 1_000_000))
    )
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", 3)))
    parser.add_argument(
        "--duration",
        type=int,
        default=int(env("BENCH_DURATION", 10)),
        help="seconds of load per page",
    )
    parser.add_argument("--warmup", type=int, default=int(env("BENCH_WARMUP", 2)))
    parser.add_argument(
        "--connections", type=int, default=int(env("BENCH_CONNECTIONS", 8))
    )
    parser.add_argument("--database-url", default=env("BENCH_DATABASE_URL", ""))
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "bench"))
    parser.add_argument(
        "--docs",
        default=env("BENCH_DOCS", ""),
        help="also write the Markdown table to this file",
    )
    parser.add_argument(
        "--admin-repeat",
        type=int,
        default=int(env("BENCH_ADMIN_REPEAT", 5)),
        help="timed requests per admin page (time_admin --repeat)",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="only make the database (the scale data takes minutes), measure nothing",
    )
    return parser.parse_args(argv)


def measure(url, args, **kwargs):
    wrk.run(
        url, duration=args.warmup, threads=2, connections=args.connections, **kwargs
    )
    return wrk.run(
        url, duration=args.duration, threads=2, connections=args.connections, **kwargs
    )


def fetch(url):
    """Status, ``X-Page-Cache`` header and seconds taken of one GET."""
    import urllib.error
    import urllib.request

    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status, cache = response.status, response.headers.get("X-Page-Cache")
    except urllib.error.HTTPError as error:
        status, cache = error.code, error.headers.get("X-Page-Cache")
    return status, cache, time.perf_counter() - started


def classify_pages(base_url, pages):
    """Every page answers 200 before it is measured (a fast error is no
    answer); a page whose second request is a hit in the pages cache is
    "cached", any other "rendered" on every request."""
    classified = []
    for name, path in pages:
        for _ in range(2):
            status, cache, _seconds = fetch(base_url + path)
            if status != 200:
                raise RuntimeError(f"{name} ({path}) answered {status}, not 200")
        classified.append((name, path, "cached" if cache == "hit" else "rendered"))
    return classified


def public_pages(slug, section):
    college = f"/en/institutions/{slug}/"
    return [
        ("home", "/en/"),
        ("profile", college),
        ("section", college + f"{section}/"),
        ("form", college + "inquire/"),
        ("status", "/en/inquiries/status/"),
        ("programmes", "/en/programmes/"),
        # A search is never kept in the pages cache: rendered every time.
        ("programme search", "/en/programmes/?q=mechanical+engineering"),
    ]


# Issue 12 names these as the cached pages: each is held to the cached target
# by its name, even when it is not cached (the form, which carries the
# visitor's CSRF token), so that the report shows the shortfall.
CACHED_TARGET_PAGES = ("home", "profile", "section", "form")


def target(name, kind):
    """The ratio a page's row is held to: the cached target for a page the
    page cache serves or one the issue names, the uncached target for a page
    rendered every time and for every page with the page cache off."""
    if kind == "uncached":
        return reports.UNCACHED_RATIO
    if kind == "cached" or name in CACHED_TARGET_PAGES:
        return reports.CACHED_RATIO
    return reports.UNCACHED_RATIO


def measure_bare(server, args):
    log("bare view")
    result = measure(server.base_url + "/bench/bare", args)
    log(f"  {result.requests_per_s:.1f} req/s")
    return result


def measure_pages(server, pages, args, bare_runs, kind_override=None):
    """Bare view, page, bare view, page, ..., bare view: each page is held
    against the mean of the bare runs either side of it, so that a change in
    the machine's load during the run moves both alike.

    ``bare_runs`` gets every bare run appended; it must hold one to start.
    """
    rows = []
    for name, path, kind in pages:
        kind = kind_override or kind
        log(f"{name} ({kind}) {path}")
        result = measure(server.base_url + path, args)
        log(f"  {result.requests_per_s:.1f} req/s")
        bare_runs.append(measure_bare(server, args))
        bare_rps = (bare_runs[-2].requests_per_s + bare_runs[-1].requests_per_s) / 2
        label = name if kind_override is None else f"{name}, page cache off"
        row = reports.page_row(label, path, kind, result, bare_rps, target(name, kind))
        row["bare_requests_per_s"] = round(bare_rps, 1)
        rows.append(row)
        log(f"  ratio {row['ratio']}")
    return rows


def first_hits_after_a_change(base_url, pages, slug, rounds=10):
    """Save a college through the ORM (as the admin does), then time the
    first request of each cached page, and a second one.

    Shows that a change reaches the pages at once and what the first visitor
    after it waits. Single requests on an otherwise idle server: latencies,
    not throughput.
    """
    from institutions.models import Institution

    college = Institution.objects.get(slug=slug)
    seen = {
        name: {"first_ms": [], "first_status": [], "next_ms": []}
        for name, _path, _kind in pages
    }
    for _ in range(rounds):
        college.save()
        for name, path, _kind in pages:
            _status, cache, seconds = fetch(base_url + path)
            seen[name]["first_status"].append(cache)
            seen[name]["first_ms"].append(seconds * 1000)
            _status, cache, seconds = fetch(base_url + path)
            seen[name]["next_ms"].append(seconds * 1000)
    return [
        {
            "name": name,
            "rounds": rounds,
            "first_misses": numbers["first_status"].count("miss"),
            "first_ms_median": round(statistics.median(numbers["first_ms"]), 1),
            "next_ms_median": round(statistics.median(numbers["next_ms"]), 1),
        }
        for name, numbers in seen.items()
    ]


def measure_inquiries(server, form_path, args, out_dir, run_tag):
    """The inquiry cycle from CLIENTS clients, and the references read."""
    refs_file = Path(out_dir) / f"references-{run_tag}.txt"
    result = wrk.run(
        server.base_url + form_path,
        duration=max(args.duration, 10),
        threads=CLIENTS,
        connections=CLIENTS,
        script="inquiry.lua",
        env={
            "BENCH_FORM_PATH": form_path,
            "BENCH_RUN": run_tag,
            "BENCH_REFS_FILE": str(refs_file),
        },
        timeout_s=30,
    )
    references = refs_file.read_text().split() if refs_file.exists() else []
    refs_file.unlink(missing_ok=True)
    return result, references


def admin_timings(env, repeat):
    """The admin list and dashboard timed by ``manage.py time_admin`` (the
    test client against the bench database, no server), as its JSON."""
    completed = subprocess.run(
        [sys.executable, "manage.py", "time_admin", "--repeat", str(repeat)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        log(f"time_admin failed: {completed.stderr[-2000:]}")
        return {"error": completed.stderr[-2000:], "all_ok": False}
    return json.loads(completed.stdout)


def main(argv=None):
    args = parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{out_dir / 'bench.sqlite3'}"
    port = free_port()
    env = server_environment(
        out_dir,
        database_url,
        port,
        {
            # The access log is off during the load (the portal's own request
            # log writes at INFO); warnings and errors are still written.
            "PORTAL_LOG_LEVEL": "WARNING",
            # Every inquiry carries its own X-Forwarded-For, believed from
            # 127.0.0.1 only: the rate limit stays on at its default.
            "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
            "PORTAL_DB_CONN_MAX_AGE": os.environ.get("PORTAL_DB_CONN_MAX_AGE", "60"),
        },
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from . import database, machine

    started = datetime.datetime.now().astimezone()
    log(f"database {database_url}")
    contents = database.prepare(
        out_dir / "scale-data.json",
        colleges=args.colleges,
        inquiries=args.inquiries,
        log=log,
    )
    if args.prepare_only:
        log(f"database ready: {contents}")
        return 0
    call_command("collectstatic", interactive=False, verbosity=0)
    slug = database.first_published_slug(PREFERRED_COLLEGE)
    database.give_admissions_address(slug)
    description = machine.describe(BASE_DIR)
    connections.close_all()

    page_list = public_pages(slug, database.first_section_slug(slug))
    form_path = dict(page_list)["form"]
    run_tag = started.strftime("%Y%m%d%H%M%S")
    server = Server(env, port, args.workers, out_dir / "server.log")
    with server:
        fetch(server.base_url + "/bench/bare")
        pages = classify_pages(server.base_url, page_list)
        bare_runs = [measure_bare(server, args)]
        page_results = measure_pages(server, pages, args, bare_runs)
        log("inquiries")
        inquiry_result, references = measure_inquiries(
            server, form_path, args, out_dir, run_tag
        )
        bare_runs.append(measure_bare(server, args))
        inquiry_bare_rps = (
            bare_runs[-2].requests_per_s + bare_runs[-1].requests_per_s
        ) / 2
        rss = server.worker_rss_mb()
        log("first hits after a change")
        cached_pages = [p for p in pages if p[2] == "cached"]
        first_hits = first_hits_after_a_change(server.base_url, cached_pages, slug)
        connections.close_all()

    uncached_env = {**env, "BENCH_PAGE_CACHE": "off"}
    with Server(uncached_env, port, args.workers, out_dir / "server.log") as server:
        bare_runs.append(measure_bare(server, args))
        uncached_rows = measure_pages(
            server, cached_pages, args, bare_runs, kind_override="uncached"
        )

    extra = inquiry_result.extra.get("inquiries", {})
    missing = database.missing_references(references)
    saved = database.count_run_inquiries(run_tag)
    inquiry = reports.inquiry_row(
        inquiry_result,
        inquiry_bare_rps,
        acknowledged=extra.get("acknowledged", 0),
        confirmed=len(references),
        saved=saved,
        missing=missing,
        failures=extra.get("failures", {}),
    )
    inquiry.update(path=form_path, clients=CLIENTS)
    connections.close_all()
    log("admin timings")
    admin = admin_timings(env, args.admin_repeat)

    bare_rps = statistics.mean(run.requests_per_s for run in bare_runs)
    bare_row = reports.page_row(
        "bare view (mean of all runs)",
        "/bench/bare",
        "bare",
        bare_runs[0],
        bare_rps,
        None,
    )
    bare_row.update(
        requests_per_s=round(bare_rps, 1),
        p50_ms=round(statistics.median(r.latency_ms["p50"] for r in bare_runs), 2),
        p99_ms=round(statistics.median(r.latency_ms["p99"] for r in bare_runs), 2),
        runs_requests_per_s=[round(r.requests_per_s, 1) for r in bare_runs],
        bare_requests_per_s=round(bare_rps, 1),
        ratio=1.0,
    )
    report = {
        "date": started.isoformat(timespec="seconds"),
        "machine": description,
        "database": {"url": database_url.split("@")[-1], **contents},
        "settings": {
            "workers": args.workers,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "connections": args.connections,
            "wrk_threads": 2,
        },
        "pages": [bare_row, *page_results, *uncached_rows],
        "inquiries": inquiry,
        "memory": reports.memory_row(rss),
        "first_hits": first_hits,
        "admin": admin,
        "notes": NOTES,
    }
    report["passed"] = reports.all_passed(report)
    md = reports.write(report, out_dir, started.strftime("%Y%m%d-%H%M%S"))
    if args.docs and (args.colleges, args.inquiries) == FULL_SIZE:
        Path(args.docs).write_text(md)
        log(f"table written to {args.docs}")
    elif args.docs:
        log(f"{args.docs} left alone: it shows runs at the full size only")
    print(md)
    log(f"report in {out_dir}/latest.json and latest.md")
    return 0 if report["passed"] else 1


NOTES = [
    "wrk (Debian's package) with 2 threads; each page gets a warm-up run first, "
    "whose numbers are dropped.",
    "The bare view (`/bench/bare`, mounted only by `bench/settings.py`) "
    "returns two bytes through the whole middleware stack. It is measured "
    "before the first page and after every page (bare, page, bare, page, ..., "
    "bare), and each page's ratio uses the mean of the two bare runs either "
    "side of it (shown as *bare req/s*); the bare row gives the mean and the "
    "median latencies of all its runs.",
    "Targets (issue 12, replacing the retired 0.7, 0.1 and 0.15): the cached "
    "pages (home, profile, section, form) at least 0.8 of the bare view each; "
    "a page rendered after a content change (the *page cache off* rows) and a "
    "page never cached (the status page, any search) at least 0.05; the "
    "inquiry cycle has no ratio target, it passes with no errors and none "
    "lost; every admin list page, filter and search and the dashboard within "
    "300 ms median; each worker at most 80 MB.",
    "For scale: Wagtail's bakerydemo, rendering its pages, measured 0.008–0.022 "
    "of the bare view on this machine.",
    "A page is *cached* when its second request is a hit in the pages cache "
    "(`X-Page-Cache: hit`) and held to the cached target; any other page is "
    "rendered on every request and held to the uncached target, except the "
    "form, held to the cached target by its name.",
    "The inquiry form is not page-cached: each form carries the visitor's own "
    "CSRF token, which a page shared by every visitor cannot, and the portal "
    "renders it every time rather than drive Django's CSRF middleware by hand "
    "(issue 12). Its row is still held to the cached target of 0.8, so that "
    "the report shows how far short of that goal it is. Its list of "
    "nationalities is a `{% cache %}` fragment (below).",
    "Page cache off: the cached pages again, served by a second start of the "
    "same server whose pages cache keeps nothing (Django's dummy cache, "
    "`BENCH_PAGE_CACHE=off` in `bench/settings.py`), so that every request "
    "renders its page as the first request after a content change does, "
    "less the one write of the rendered page to the cache. Only the pages "
    "cache is off: the template fragments (`{% cache %}`, the "
    "`template_fragments` cache of `portal/settings.py`, in each worker's "
    "memory) are kept as in production. They are the home page's college "
    "cards, each keyed on its college's `updated_at` and the language, and "
    "the form's list of nationalities, keyed on the language; the profile "
    "and section pages have none and are rendered whole. So the home row is "
    "the first request after a change to a college not on the page; a "
    "change to one on it renders that one card again, which the next table "
    "includes (the college saved is on the first page).",
    "First hit after a change: a college is saved through the ORM (as the "
    "admin does), then each cached page is requested once (expected: a miss) "
    "and once more (a hit); ten rounds, one request at a time, medians.",
    "Inquiries: wrk with 16 threads and 16 connections, one each; each cycle is "
    "a new visitor: GET the form (CSRF cookie and token), POST a valid inquiry "
    "(303), GET the confirmation and read the reference. The rate is completed "
    "cycles per second; p50/p99 are over all three requests. The rate limit is "
    "on at its default: the server trusts 127.0.0.1 as its proxy and every "
    "inquiry carries its own X-Forwarded-For address. Afterwards every "
    "reference read is looked up in the database, and the inquiries saved "
    "with this run's e-mail tag are counted against the 303s.",
    "Mail is built (the applicant's confirmation and the college's notice; "
    "the measured college is given an admissions address in the bench "
    "database) and handed to Django's dummy backend: no SMTP server.",
    "Logging at WARNING during the load: no access log line per request.",
    "Worker memory: VmRSS from /proc/<pid>/status of each gunicorn worker after "
    "all the load.",
]


if __name__ == "__main__":
    sys.exit(main())
