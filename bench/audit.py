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


def run_lighthouse(url, out_path):
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
    subprocess.run(command, env=env, check=True, timeout=300)
    return json.loads(Path(out_path).read_text())


def markdown(report):
    lines = [
        "# Lighthouse audit",
        "",
        f"Measured {report['date']} by `make audit`, at commit `{report['commit']}`: "
        f"Lighthouse {report['lighthouse']}, mobile preset (its default), "
        f"{report['chromium']}, on the production-like server (gunicorn, DEBUG off) "
        "with the seed content.",
        "",
        "| page | path | performance | accessibility | best practices | SEO |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in report["pages"]:
        s = row["scores"]
        cells = " | ".join(
            "—" if s.get(c) is None else (str(s[c]) if s[c] == 100 else f"**{s[c]}**")
            for c in CATEGORIES
        )
        lines.append(f"| {row['name']} | `{row['path']}` | {cells} |")
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
            rows.append(
                {
                    "name": name,
                    "path": path,
                    "scores": scores(lhr),
                    "shortfalls": shortfalls(lhr),
                }
            )
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
