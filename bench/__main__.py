"""Run the benchmarks: `python -m bench [NAME ...] [--quick] [--cache-dir DIR]`."""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import machine
from bench.common import Result, RunConfig, Skipped, ThreadOutput, print_table

MODULES = (
    "bench.question_to_screen",
    "bench.answer_to_agent",
    "bench.idle_watch",
    "bench.write_throughput",
    "bench.history_queries",
    "bench.migration",
    "bench.tui_paint",
    "bench.hook_latency",
)


def _benchmarks() -> dict[str, object]:
    found = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        found[module.NAME] = module
    return found


def main(argv: list[str] | None = None) -> int:
    benchmarks = _benchmarks()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all): {', '.join(benchmarks)}",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: a smoke run of every script"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "arcadia-bench-cache",
        help="where generated databases and legacy projects are kept between runs",
    )
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in benchmarks]
    if unknown:
        parser.error(
            f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(benchmarks)}"
        )
    chosen = args.names or list(benchmarks)

    cache_dir = args.cache_dir / ("quick" if args.quick else "full")
    cache_dir.mkdir(parents=True, exist_ok=True)
    work_dir = Path(tempfile.mkdtemp(prefix="arcadia-bench-"))
    config = RunConfig(quick=args.quick, cache_dir=cache_dir, work_dir=work_dir)

    started = time.perf_counter()
    print(
        f"Arcadia benchmarks{' (quick smoke run: figures are meaningless)' if args.quick else ''}"
    )
    for label, value in machine.describe():
        print(f"  {label:<13} {value}")
    print(flush=True)

    outcomes: dict[str, Result | str | None] = {}

    def run_one(name: str) -> None:
        module = benchmarks[name]
        print(f"== {name}: {module.TITLE}", flush=True)
        began = time.perf_counter()
        try:
            result = module.run(config)
        except Skipped as reason:
            print(f"  skipped: {reason}\n", flush=True)
            outcomes[name] = f"{name} ({reason})"
            return
        except Exception:
            traceback.print_exc(file=sys.stdout)
            print(flush=True)
            outcomes[name] = None
            return
        result.seconds = time.perf_counter() - began
        print(f"  ({result.seconds:.1f} s; machine: {machine.line()})\n", flush=True)
        outcomes[name] = result

    try:
        if args.quick and len(chosen) > 1:
            # A smoke run only checks that the scripts work: run them side by side. The
            # packages they share are imported here first: two threads importing the same
            # package graph at once can trip Python's import-lock deadlock detection.
            shared = ("arcadia_core.managers", "arcadia_core.legacy.importer", "arcadia_tui.app")
            for module in shared:
                importlib.import_module(module)
            with ThreadOutput() as output, ThreadPoolExecutor(len(chosen)) as pool:
                captured = [pool.submit(output.capture, run_one, name) for name in chosen]
                for future in captured:
                    print(future.result(), end="", flush=True)
        else:
            for name in chosen:
                run_one(name)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    results = [outcome for outcome in outcomes.values() if isinstance(outcome, Result)]
    results.sort(key=lambda result: list(benchmarks).index(result.name))
    skipped = [outcomes[name] for name in chosen if isinstance(outcomes.get(name), str)]
    failed = [name for name in chosen if outcomes.get(name) is None]

    print("== Summary")
    print_table(
        ["benchmark", "metric", "value", "baseline", "ratio", "target", "met"],
        [
            [
                result.name,
                row.metric,
                row.value,
                row.baseline,
                row.ratio,
                row.target,
                "" if row.met is None else ("yes" if row.met else "NO"),
            ]
            for result in results
            for row in result.rows
        ],
    )
    print(
        "  ratio = value / baseline, both measured in this run: for times and memory below 1 is"
        " better,\n  for rates above 1 is better."
    )
    total = time.perf_counter() - started
    print(f"\nTotal {total:.0f} s; load average now {machine.load_average()}")
    if skipped:
        print(f"Skipped: {'; '.join(str(reason) for reason in skipped)}")
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
