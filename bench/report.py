"""The benchmark's report: targets, pass or fail, JSON and a Markdown table."""

import json
from pathlib import Path

# Issue 12's targets, as a share of the bare view's requests per second: the
# pages the page cache serves, and a page rendered afresh (after a content
# change, or never cached). The inquiry cycle has no ratio target: it passes
# with no errors and none lost.
CACHED_RATIO = 0.8
UNCACHED_RATIO = 0.05
WORKER_RSS_MB = 80


def page_row(name, path, kind, result, bare_rps, target):
    """One measured page: its numbers, its ratio to the bare view, pass/fail.

    A row with errors fails whatever its speed: a fast 500 is no answer.
    """
    rps = result.requests_per_s
    ratio = rps / bare_rps if bare_rps else 0.0
    return {
        "name": name,
        "path": path,
        "kind": kind,
        "requests": result.requests,
        "requests_per_s": round(rps, 1),
        "p50_ms": result.latency_ms["p50"],
        "p99_ms": result.latency_ms["p99"],
        "errors": result.error_count,
        "ratio": round(ratio, 3),
        "target": target,
        "passed": (
            None if target is None else ratio >= target and not result.error_count
        ),
    }


def inquiry_row(result, bare_rps, *, acknowledged, confirmed, saved, missing, failures):
    """The inquiry POSTs: inquiries per second (a full form → POST →
    confirmation cycle each), errors and whether any acknowledged one is lost.

    The ratio to the bare view is shown, not judged: the row passes when no
    request failed and every acknowledged inquiry was saved.
    """
    rate = confirmed / result.duration_s if result.duration_s else 0.0
    ratio = rate / bare_rps if bare_rps else 0.0
    errors = result.error_count + sum(failures.values())
    lost = len(missing) + max(acknowledged - saved, 0)
    return {
        "name": "inquiry POST",
        "kind": "inquiry",
        "duration_s": round(result.duration_s, 1),
        "inquiries": confirmed,
        "inquiries_per_s": round(rate, 1),
        "requests_per_s": round(result.requests_per_s, 1),
        "p50_ms": result.latency_ms["p50"],
        "p99_ms": result.latency_ms["p99"],
        "acknowledged": acknowledged,
        "saved": saved,
        "errors": errors,
        "failures": failures,
        "wrk_errors": result.errors,
        "lost": lost,
        "missing_references": missing[:20],
        "bare_requests_per_s": round(bare_rps, 1),
        "ratio": round(ratio, 3),
        "target": None,
        "passed": errors == 0 and lost == 0,
    }


def memory_row(rss_by_pid):
    values = [mb for mb in rss_by_pid.values() if mb is not None]
    largest = max(values) if values else None
    return {
        "workers": {str(pid): mb for pid, mb in rss_by_pid.items()},
        "largest_mb": largest,
        "target_mb": WORKER_RSS_MB,
        "passed": largest is not None and largest <= WORKER_RSS_MB,
    }


def all_passed(report):
    verdicts = [row["passed"] for row in report["pages"] if row["passed"] is not None]
    verdicts.append(report["inquiries"]["passed"])
    verdicts.append(report["memory"]["passed"])
    if report.get("admin"):
        verdicts.append(report["admin"].get("all_ok", False))
    return all(verdicts)


def _verdict(passed):
    return {True: "pass", False: "**FAIL**", None: "—"}[passed]


def _ratio_target(target):
    return "—" if target is None else f"≥ {target:g}"


def markdown(report):
    """The report as Markdown: a heading, the machine, then the tables."""
    m = report["machine"]
    load = ", ".join(str(x) for x in m["load_average_at_start"])
    lines = [
        "# Benchmark",
        "",
        f"Measured {report['date']} by `make bench`, at commit `{m['commit']}`, on "
        f"{m['cores']} × {m['cpu']}, {m['memory_gib']} GiB RAM, {m['os']}; "
        f"Python {m['python']}, Django {m['django']}, {m['database']}, {m['wrk']}. "
        f"Load average at the start: {load}.",
        "",
        f"Server: gunicorn, {report['settings']['workers']} sync workers, DEBUG off. "
        f"Database: {report['database']['institutions']:,} colleges, "
        f"{report['database']['inquiries']:,} inquiries. Each page: "
        f"{report['settings']['duration_s']} s of wrk with "
        f"{report['settings']['connections']} connections after a "
        f"{report['settings']['warmup_s']} s warm-up.",
        "",
        "| page | path | req/s | p50 ms | p99 ms | bare req/s | ratio to bare "
        "| target | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in report["pages"]:
        errors = f" ({row['errors']} errors)" if row["errors"] else ""
        lines.append(
            f"| {row['name']} | `{row['path']}` | {row['requests_per_s']:,.0f} | "
            f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{row.get('bare_requests_per_s', 0):,.0f} | {row['ratio']:.2f} | "
            f"{_ratio_target(row['target'])} | {_verdict(row['passed'])}{errors} |"
        )
    q = report["inquiries"]
    lines.append(
        f"| inquiry (GET form, POST, GET confirmation) | `{q['path']}` | "
        f"{q['inquiries_per_s']:,.1f} inquiries/s | {q['p50_ms']:.1f} | "
        f"{q['p99_ms']:.1f} | {q['bare_requests_per_s']:,.0f} | "
        f"{q['ratio']:.3f} | {_ratio_target(q['target'])} | "
        f"{_verdict(q['passed'])} ({q['errors']} errors, {q['lost']} lost) |"
    )
    mem = report["memory"]
    memory_verdict = _verdict(mem["passed"])
    workers = ", ".join(f"{mb:.0f}" for mb in mem["workers"].values() if mb is not None)
    lines += [
        "",
        f"Inquiries: {q['clients']} concurrent clients for {q['duration_s']} s: "
        f"{q['acknowledged']:,} acknowledged (303), {q['inquiries']:,} references read "
        f"from the confirmation, {q['saved']:,} saved, {q['errors']} errors, "
        f"{q['lost']} lost (no ratio target: it passes with no errors and none "
        "lost).",
        "",
        f"Worker memory after the load (VmRSS, MiB): {workers}; largest "
        f"{mem['largest_mb']} (target ≤ {mem['target_mb']}): {memory_verdict}.",
        "",
    ]
    lines += _first_hit_lines(report.get("first_hits"))
    lines += _admin_lines(report.get("admin"))
    lines += ["## How it was measured", ""]
    lines += [f"- {note}" for note in report["notes"]]
    lines.append("")
    return "\n".join(lines)


def _first_hit_lines(first_hits):
    if not first_hits:
        return []
    lines = [
        "First request after a content change (a college saved), one at a time:",
        "",
        "| page | misses / rounds | first request, median ms | next, median ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in first_hits:
        lines.append(
            f"| {row['name']} | {row['first_misses']} / {row['rounds']} | "
            f"{row['first_ms_median']:.1f} | {row['next_ms_median']:.1f} |"
        )
    lines.append("")
    return lines


def _admin_lines(admin):
    if not admin:
        return ["Admin timings: not measured (no `time_admin` command).", ""]
    if "results" not in admin:
        return [f"Admin timings failed: {admin.get('error', '?')}", ""]
    lines = [
        f"## Admin at {admin['inquiries']:,} inquiries",
        "",
        f"`manage.py time_admin` ({admin['database']}, Django's test client, no "
        f"server): median of {admin['repeat']} requests after a first one.",
        "",
        "| who | page | median ms | first ms | queries | target ms | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in admin["results"]:
        lines.append(
            f"| {row['user']} | {row['case']} | {row['median_ms']:.0f} | "
            f"{row['first_ms']:.0f} | {row['queries']} | {row['target_ms']} | "
            f"{_verdict(row['ok'])} |"
        )
    lines.append("")
    return lines


def write(report, out_dir, stamp):
    """``report-<stamp>.json``, ``latest.json`` and ``latest.md`` in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    (out_dir / f"report-{stamp}.json").write_text(text)
    (out_dir / "latest.json").write_text(text)
    md = markdown(report)
    (out_dir / "latest.md").write_text(md)
    return md
