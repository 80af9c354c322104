"""The load generators: wrk against an HTTP endpoint, pgbench against the same SQL, at the same concurrency."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
from dataclasses import dataclass

CONCURRENCY = 8


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def wrk(url: str, token: str | None, seconds: int, concurrency: int = CONCURRENCY) -> Load:
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]

    def percentile(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        assert match, output
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += (
        sum(
            int(n)
            for n in re.findall(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)[0]
        )
        if "Socket errors" in output
        else 0
    )
    return Load(rps, percentile("50"), percentile("99"), errors)


def middle(loads: list[Load]) -> Load:
    """The median of each figure over the rounds; every failed request counted."""
    return Load(
        statistics.median(load.requests_per_second for load in loads),
        statistics.median(load.p50_ms for load in loads),
        statistics.median(load.p99_ms for load in loads),
        sum(load.errors for load in loads),
    )


def pgbench(url: str, statements: list[str], seconds: int, concurrency: int = CONCURRENCY) -> tuple[float, float]:
    """One transaction = the statements in order, at the given concurrency: transactions/s and mean latency."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.writelines(sql.replace("\n", " ") + ";\n" for sql in statements)
    try:
        output = subprocess.run(
            ["pgbench", "-n", "-c", str(concurrency), "-j", "1", "-T", str(seconds), "-f", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    tps = float(re.search(r"tps = ([\d.]+)", output)[1])  # type: ignore[index]
    latency = float(re.search(r"latency average = ([\d.]+) ms", output)[1])  # type: ignore[index]
    return tps, latency
