#!/usr/bin/env python3
"""Hyperfine-style timing of whole commands: warm-up runs, then N timed runs; prints mean ± sd, min, max.

Usage: benches/bench.py [--runs N] [--warmup N] [--name LABEL] [--cwd DIR] -- COMMAND [ARGS...]
Exits non-zero if any run of the command fails (a benchmark of a failing command measures nothing).
Used by the other bench scripts in this folder; importable as `timed_runs`.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time


def timed_runs(cmd, runs=10, warmup=2, cwd=None, env=None, ok_codes=(0,)):
    for _ in range(warmup):
        run_once(cmd, cwd, env, ok_codes)
    times = [run_once(cmd, cwd, env, ok_codes) for _ in range(runs)]
    return {
        "runs": runs,
        "mean_s": statistics.fmean(times),
        "stddev_s": statistics.stdev(times) if len(times) > 1 else 0.0,
        "min_s": min(times),
        "max_s": max(times),
    }


def run_once(cmd, cwd, env, ok_codes):
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok_codes:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(f"benchmark command failed with exit {proc.returncode}: {' '.join(cmd)}")
    return elapsed


def report(name, stats):
    print(
        f"{name}: {stats['mean_s'] * 1000:.1f} ms ± {stats['stddev_s'] * 1000:.1f} ms "
        f"(min {stats['min_s'] * 1000:.1f}, max {stats['max_s'] * 1000:.1f}, {stats['runs']} runs)"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--name", default=None)
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        parser.error("give the command after --")
    stats = timed_runs(cmd, args.runs, args.warmup, args.cwd)
    if args.json:
        print(json.dumps(stats))
    else:
        report(args.name or " ".join(cmd), stats)


if __name__ == "__main__":
    main()
