"""Running wrk (Debian's package) and reading what it measured.

Every run appends ``lua/summary.lua`` to its script, whose ``done`` prints
wrk's numbers as a JSON line (``BENCH-JSON {...}``); this module reads that
line rather than wrk's human-readable summary.
"""

import json
import os
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    errors: dict
    latency_ms: dict
    extra: dict = field(default_factory=dict)

    @property
    def requests_per_s(self):
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def error_count(self):
        return sum(self.errors.values())

    def as_dict(self):
        data = asdict(self)
        data["requests_per_s"] = round(self.requests_per_s, 1)
        data["error_count"] = self.error_count
        return data


def parse_output(text):
    """The ``WrkResult`` of one wrk run's standard output.

    Lines of the form ``BENCH-<NAME> {json}`` carry the numbers:
    ``BENCH-JSON`` wrk's summary, any other name extra figures that a script
    reports (kept in ``extra`` under the lower-cased name).
    """
    summary = None
    extra = {}
    for line in text.splitlines():
        if not line.startswith("BENCH-"):
            continue
        name, _, payload = line.partition(" ")
        data = json.loads(payload)
        if name == "BENCH-JSON":
            summary = data
        else:
            extra[name.removeprefix("BENCH-").lower()] = data
    if summary is None:
        raise ValueError("wrk printed no BENCH-JSON line:\n" + text[-2000:])
    return WrkResult(
        requests=summary["requests"],
        duration_s=summary["duration_us"] / 1e6,
        errors=summary["errors"],
        latency_ms={
            key: round(value / 1000, 2) for key, value in summary["latency_us"].items()
        },
        extra=extra,
    )


def run(
    url,
    *,
    duration,
    threads,
    connections,
    script="get.lua",
    env=None,
    headers=(),
    timeout_s=10,
):
    """Run wrk against ``url`` for ``duration`` seconds and parse its numbers."""
    source = (LUA_DIR / "summary.lua").read_text() + (LUA_DIR / script).read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(source)
    try:
        command = [
            "wrk",
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={duration}s",
            f"--timeout={timeout_s}s",
            f"--script={lua.name}",
        ]
        for header in headers:
            command += ["--header", header]
        command.append(url)
        completed = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=duration + timeout_s + 60,
            check=False,
        )
    finally:
        os.unlink(lua.name)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr}")
    return parse_output(completed.stdout)
