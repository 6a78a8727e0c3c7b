#!/usr/bin/env python3
"""Benchmark: `aispec status` and `aispec validate` on a large portfolio in git.

Target (issue 10): both under 1 s on 5,000 specialists (release build, the 2-core CI machine). `status` used to
walk history once per specialist and took 34.9 s here. The workspace is generated into a temporary folder with
git history: the specialists arrive in batches (one commit per batch), then a share of them is edited in later
commits, so the history walk has real work to do. Each command is timed with repeated runs, through hyperfine
when it is installed (`apt-get install hyperfine`), else with benches/bench.py.

Usage: benches/scale.py [--specialists 5000] [--batch 100] [--edits 200] [--runs 10] [--binary PATH]
Exits 1 when a target is missed.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench import report, timed_runs  # noqa: E402
from diff import GIT_ENV, git  # noqa: E402
from validate import generate  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_S = 1.0


def build_history(root, n, batch, edits):
    """Commits the generated specialists in batches, then edits `edits` of them one commit at a time."""
    git(root, "init", "-q")
    git(root, "add", "aispec.toml")
    git(root, "commit", "-q", "-m", "workspace")
    names = sorted(p.name for p in (root / "specialists").iterdir())
    for start in range(0, n, batch):
        git(root, "add", *[f"specialists/{name}" for name in names[start:start + batch]])
        git(root, "commit", "-q", "-m", f"specialists {start}..{start + batch}")
    step = max(1, n // max(1, edits))
    for name in names[::step][:edits]:
        prompt = root / "specialists" / name / "system-prompt.md"
        prompt.write_text(prompt.read_text() + "\nSvar altid høfligt.\n")
        git(root, "commit", "-q", "-am", f"{name}: politer")


def measure(binary, args, cwd, runs):
    env = dict(os.environ, NO_COLOR="1", **GIT_ENV)
    cmd = [binary, *args]
    # A run that fails (other than validate's exit 1 for findings) measures nothing.
    check = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if check.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed with exit {check.returncode}: {check.stderr.decode()}")
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(
                ["hyperfine", "--warmup", "1", "--runs", str(runs), "--ignore-failure", "--style", "none",
                 "--export-json", out.name, " ".join(cmd)],
                cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            r = json.load(open(out.name))["results"][0]
            return {"runs": runs, "mean_s": r["mean"], "stddev_s": r["stddev"] or 0.0, "min_s": r["min"],
                    "max_s": r["max"], "median_s": r["median"]}
    return timed_runs(cmd, runs=runs, warmup=1, cwd=cwd, env=env, ok_codes=(0, 1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--specialists", type=int, default=5000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--edits", type=int, default=200)
    p.add_argument("--words", type=int, default=300)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--binary", default=None, help="an aispec binary to time instead of building this checkout")
    args = p.parse_args()
    binary = args.binary and str(pathlib.Path(args.binary).resolve())
    if binary is None:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "aispec"], cwd=ROOT, check=True)
        meta = json.loads(subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT,
                                         check=True, capture_output=True).stdout)
        binary = str(pathlib.Path(meta["target_directory"]) / "release" / "aispec")
    missed = False
    with tempfile.TemporaryDirectory(prefix="aispec-scale-") as tmp:
        root = pathlib.Path(tmp)
        generate(root, args.specialists, args.words)
        build_history(root, args.specialists, args.batch, args.edits)
        for command in (["status"], ["validate", "--quiet"]):
            stats = measure(binary, command, root, args.runs)
            report(f"{command[0]}: {args.specialists} specialists, {args.specialists // args.batch + args.edits + 1} "
                   f"commits", stats)
            if stats["mean_s"] >= TARGET_S:
                print(f"  missed the target of {TARGET_S:.1f} s")
                missed = True
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
