"""`make audit`: Lighthouse on the production-like server, both languages.

Lighthouse (the npm package pinned in tools/audit/) drives Debian's Chromium
(``CHROME_PATH=/usr/bin/chromium``; no browser is downloaded) with its default
mobile preset, on the home page, a profile, a section and the inquiry form in
English and Chinese. The server runs on a database of its own
(``var/audit/audit.sqlite3``) with the seed content. Scores and every audit
that fell short go to ``var/audit/`` (JSON and Markdown).
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

from .server import BASE_DIR, Server, free_port, server_environment

LIGHTHOUSE = BASE_DIR / "tools" / "audit" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
LANGUAGES = ("en", "zh-hans")
PREFERRED_COLLEGE = "chongqing-industry-polytechnic-college"
# At or below this benchmarkIndex Lighthouse warns that the host's CPU is
# slower than its default CPU slowdown assumes.
SLOW_HOST_INDEX = 1000


def log(message):
    print(f"audit: {message}", flush=True)


def pages(slug, section):
    college = f"institutions/{slug}/"
    for language in LANGUAGES:
        yield f"home ({language})", f"/{language}/"
        yield f"profile ({language})", f"/{language}/{college}"
        yield f"section ({language})", f"/{language}/{college}{section}/"
        yield f"form ({language})", f"/{language}/{college}inquire/"


def scores(lhr):
    """Category scores (0–100) of a Lighthouse result."""
    return {
        name: None
        if lhr["categories"][name]["score"] is None
        else round(lhr["categories"][name]["score"] * 100)
        for name in CATEGORIES
        if name in lhr["categories"]
    }


def shortfalls(lhr):
    """The audits of the four categories that did not score full marks."""
    found = []
    for name in CATEGORIES:
        category = lhr["categories"].get(name)
        if not category:
            continue
        for ref in category["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            if audit.get("scoreDisplayMode") not in (
                "binary",
                "numeric",
                "metricSavings",
            ):
                continue
            if audit.get("score") is None or audit["score"] >= 1 or not ref["weight"]:
                continue
            found.append(
                {
                    "category": name,
                    "id": ref["id"],
                    "title": audit["title"],
                    "score": audit["score"],
                    "display": audit.get("displayValue", ""),
                }
            )
    return found


def calibrated_slowdown(benchmark_index):
    """The CPU slowdown that Lighthouse's throttling guide would pick here.

    Lighthouse's default of 4× assumes a high-end desktop (benchmarkIndex
    1500–2000) and warns when the host scores 1000 or less; its guide then
    says to lower the multiplier so that the host lands in the mid-tier
    mobile bracket. Proportionally: 4× at 1750, 1× at about 440 and below.
    """
    return round(min(4.0, max(1.0, benchmark_index / 437.5)), 1)


def run_lighthouse(url, out_path, cpu_slowdown=None):
    env = {
        **os.environ,
        "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
        "PUPPETEER_SKIP_DOWNLOAD": "1",
    }
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out_path}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if cpu_slowdown is not None:
        command.append(f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}")
    # Lighthouse itself says "run Lighthouse again" when a trace goes wrong
    # (NO_NAVSTART, NO_FCP), which happens on a busy machine: up to 3 tries.
    for attempt in range(3):
        completed = subprocess.run(command, env=env, check=False, timeout=300)
        if completed.returncode == 0:
            return json.loads(Path(out_path).read_text())
        log(
            f"  Lighthouse failed (exit {completed.returncode}), try {attempt + 1} of 3"
        )
    raise RuntimeError(f"Lighthouse could not audit {url}")


def _score(value):
    if value is None:
        return "—"
    return str(value) if value == 100 else f"**{value}**"


def markdown(report):
    lines = [
        "# Lighthouse audit",
        "",
        f"Measured {report['date']} by `make audit`, at commit `{report['commit']}`: "
        f"Lighthouse {report['lighthouse']}, mobile preset (its default), "
        f"{report['chromium']}, on the production-like server (gunicorn, DEBUG off) "
        "with the seed content.",
        "",
        "Lighthouse's CPU slowdown of 4× assumes a high-end desktop host "
        "(benchmarkIndex 1500–2000) and warns when the host scores 1000 or "
        "less. On such a host each page is audited again with the slowdown "
        "calibrated as Lighthouse's throttling guide describes (benchmarkIndex "
        "÷ 437.5, between 1× and 4×: 4× at 1750, 1× for a host that is already "
        "as slow as a mid-tier phone); the first four score columns are that "
        "run's, and the default run's performance score is shown beside them.",
        "",
        "| page | path | performance | accessibility | best practices | SEO "
        "| performance at 4× | host benchmarkIndex | CPU slowdown |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["pages"]:
        cells = " | ".join(_score(row["scores"].get(c)) for c in CATEGORIES)
        lines.append(
            f"| {row['name']} | `{row['path']}` | {cells} | "
            f"{_score(row['default_scores'].get('performance'))} | "
            f"{row['benchmark_index']} | {row['cpu_slowdown']:g}× |"
        )
    falls = [(row["name"], f) for row in report["pages"] for f in row["shortfalls"]]
    lines.append("")
    if falls:
        lines += ["Audits that fell short:", ""]
        for name, f in falls:
            extra = f" ({f['display']})" if f["display"] else ""
            lines.append(
                f"- {name}, {f['category']}: {f['title']}{extra}, score {f['score']}"
            )
    else:
        lines.append("Every audit of the four categories scored full marks.")
    lines.append("")
    return "\n".join(lines)


def version(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return (out.stdout or out.stderr).strip().splitlines()[0]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.audit", description=__doc__)
    parser.add_argument("--out", default=str(BASE_DIR / "var" / "audit"))
    parser.add_argument("--docs", default="", help="also write the table here")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--cpu-slowdown",
        default=os.environ.get("AUDIT_CPU_SLOWDOWN", "auto"),
        help="Lighthouse's CPU slowdown: a number, or auto (calibrated on a "
        "slow host, see calibrated_slowdown)",
    )
    args = parser.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = server_environment(out_dir, f"sqlite:///{out_dir / 'audit.sqlite3'}", port)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from . import database, machine

    database.prepare(out_dir / "scale-data.json", colleges=0, inquiries=0, log=log)
    call_command("collectstatic", interactive=False, verbosity=0)
    slug = database.first_published_slug(PREFERRED_COLLEGE)
    section = database.first_section_slug(slug)
    connections.close_all()

    started = datetime.datetime.now().astimezone()
    rows = []
    with Server(env, port, args.workers, out_dir / "server.log") as server:
        for name, path in pages(slug, section):
            log(f"{name} {path}")
            file_name = name.replace(" ", "-").replace("(", "").replace(")", "")
            lhr = run_lighthouse(server.base_url + path, out_dir / f"{file_name}.json")
            row = {"name": name, "path": path, "default_scores": scores(lhr)}
            index = lhr["environment"]["benchmarkIndex"]
            row["benchmark_index"] = round(index)
            row["cpu_slowdown"] = 4.0
            if args.cpu_slowdown == "auto" and index <= SLOW_HOST_INDEX:
                row["cpu_slowdown"] = calibrated_slowdown(index)
            elif args.cpu_slowdown != "auto":
                row["cpu_slowdown"] = float(args.cpu_slowdown)
            if row["cpu_slowdown"] != 4.0:
                lhr = run_lighthouse(
                    server.base_url + path,
                    out_dir / f"{file_name}-calibrated.json",
                    row["cpu_slowdown"],
                )
            row["scores"] = scores(lhr)
            row["shortfalls"] = shortfalls(lhr)
            rows.append(row)
            log(f"  {rows[-1]['scores']}")
    report = {
        "date": started.isoformat(timespec="seconds"),
        "commit": machine.git_commit(BASE_DIR),
        "lighthouse": lhr["lighthouseVersion"],
        "chromium": version(["/usr/bin/chromium", "--version"]),
        "form_factor": lhr["configSettings"]["formFactor"],
        "pages": rows,
    }
    report["passed"] = all(
        score == 100 for row in rows for score in row["scores"].values()
    )
    (out_dir / "latest.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    )
    md = markdown(report)
    (out_dir / "latest.md").write_text(md)
    if args.docs:
        Path(args.docs).write_text(md)
    print(md)
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
