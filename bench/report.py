"""The printed table and the JSON record of a benchmark run, with the machine it ran on."""

from __future__ import annotations

import datetime
import json
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

import django
from django.db import connection

from bench.generate import BenchData
from bench.scenarios import ScenarioResult

RESULTS_DIR = Path(__file__).resolve().parent / "results"
COLUMNS = ("scenario", "product ms", "SQL ms", "ratio", "goal", "result", "rows", "queries")


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, database vendor and version, Python and Django versions."""
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name"),
        "memory_total": _proc_value("/proc/meminfo", "MemTotal"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database_vendor": connection.vendor,
        "database_version": database_version(),
        "load_average": load_average(),
    }


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages: other work on the machine makes the timings noisy."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    return connection.display_name


def _proc_value(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        return None
    return None


def rows(results: list[ScenarioResult]) -> list[dict[str, str]]:
    """The table's rows as text, keyed by ``COLUMNS``."""
    return [
        {
            "scenario": result.scenario.name,
            "product ms": f"{result.product_median:.2f}",
            "SQL ms": f"{result.sql_median:.2f}",
            "ratio": f"{result.ratio:.2f}×",
            "goal": f"≤{result.scenario.goal:g}×",
            "result": "pass" if result.met else "MISS",
            "rows": f"{result.rows}" + (f" of {result.total}" if result.total is not None else ""),
            "queries": f"{result.product_queries} vs {result.sql_queries}",
        }
        for result in results
    ]


def table(results: list[ScenarioResult]) -> str:
    """A plain-text table: medians, their ratio against the goal, rows returned, statements on each side."""
    body = rows(results)
    widths = {column: max(len(column), *(len(row[column]) for row in body)) for column in COLUMNS}
    numeric = {"product ms", "SQL ms", "ratio", "goal", "queries"}

    def line(values: dict[str, str]) -> str:
        cells = (values[c].rjust(widths[c]) if c in numeric else values[c].ljust(widths[c]) for c in COLUMNS)
        return "  ".join(cells).rstrip()

    header = line({column: column for column in COLUMNS})
    rule = "  ".join("-" * widths[column] for column in COLUMNS)
    legend = "\n".join(f"  {result.scenario.name}: {result.scenario.title}" for result in results)
    return "\n".join([header, rule, *(line(row) for row in body), "", legend])


def record(
    data: BenchData,
    results: list[ScenarioResult],
    *,
    database: str,
    started: datetime.datetime,
    load_at_start: list[float] | None = None,
) -> dict[str, Any]:
    """The JSON document of a run."""
    return {
        "date": started.date().isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "database": database,
        "scale": data.scale.name,
        "seed": data.seed,
        "machine": {**machine(), "load_average_at_start": load_at_start},
        "data": {"counts": data.counts, "generate_seconds": round(data.seconds, 2)},
        "goals": {result.scenario.name: result.scenario.goal for result in results},
        "results": [result.as_dict() for result in results],
    }


def write(document: dict[str, Any], path: Path | None = None) -> Path:
    """Write the record to ``bench/results/<date>-<db>-<scale>.json`` (or ``path``)."""
    target = path or RESULTS_DIR / f"{document['date']}-{document['database']}-{document['scale']}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
