"""Run the benchmarks: ``python -m bench [--db postgres|sqlite] [--scale tiny|small|medium|full]``.

The run owns its database and starts from nothing: on PostgreSQL the ``declarations_bench`` database (created
when missing, its data truncated), on SQLite a file under ``bench/results/tmp/`` (deleted first). It
migrates, generates the data set, runs every scenario, prints the table and writes the JSON record to
``bench/results/``. A goal missed is printed, never a failure; the product and the SQL disagreeing is.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
TMP_DIR = BENCH_DIR / "results" / "tmp"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/declarations_bench"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--scale", choices=("tiny", "small", "medium", "full"), default="medium")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL URL of the bench database (default: BENCH_DATABASE_URL or %(default)s)",
    )
    parser.add_argument("--repetitions", type=int, default=25, help="timed repetitions of each read scenario")
    parser.add_argument("--transitions", type=int, default=40, help="timed repetitions of the transition")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs of each side before timing")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, help="where to write the JSON (default: bench/results/…)")
    return parser.parse_args(argv)


def prepare_environment(arguments: argparse.Namespace) -> str:
    """Point Django at the bench database before it is set up; returns the URL (without secrets) used."""
    if arguments.db == "sqlite":
        TMP_DIR.mkdir(parents=True, exist_ok=True)
        path = TMP_DIR / f"bench-{arguments.scale}.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = arguments.database_url
        create_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    return url


def create_postgres_database(url: str) -> None:
    """Create the database named in the URL when it does not exist (through the ``postgres`` database)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def reset_database() -> None:
    """Migrate, then empty what a previous run left: every row that hangs off users, groups or organisations.

    ``TRUNCATE … CASCADE`` keeps the rows the migrations seed (content types, permissions, reference data).
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from declarations.models import Organisation

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in (get_user_model(), Group, Organisation)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # ``python bench/run.py`` from anywhere
    url = prepare_environment(arguments)

    import django

    django.setup()

    from bench import generate, report, scenarios

    started = datetime.datetime.now(datetime.UTC)
    load_at_start = report.load_average()
    scale = generate.SCALES[arguments.scale]
    print(f"Benchmark: {arguments.db}, scale {scale.name} — {_redacted(url)}", flush=True)
    if load_at_start and load_at_start[0] > 0.5 * (os.cpu_count() or 1):
        print(f"  note: the machine is busy (load {load_at_start[0]:.2f}); the timings will be noisy", flush=True)
    clock = time.perf_counter()
    reset_database()
    print(f"  migrated and emptied in {time.perf_counter() - clock:.1f} s", flush=True)
    data = generate.generate(scale, seed=arguments.seed)
    counts = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in data.counts.items())
    print(f"  generated in {data.seconds:.1f} s: {counts}", flush=True)
    results = scenarios.run_all(
        data,
        repetitions=arguments.repetitions,
        warmup=arguments.warmup,
        transition_repetitions=arguments.transitions,
    )
    print()
    print(report.table(results))
    document = report.record(data, results, database=arguments.db, started=started, load_at_start=load_at_start)
    path = report.write(document, arguments.output)
    missed = [result.scenario.name for result in results if not result.met]
    print()
    print(f"Goals missed: {', '.join(missed)}" if missed else "Every goal met.")
    print(f"Written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url.removeprefix("sqlite:///")
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


if __name__ == "__main__":
    raise SystemExit(main())
