#!/usr/bin/env python3
"""Benchmark: `aispec diff` between two revisions of a workspace with 500 specialists where 10 changed.

Target (issue #4): under 0.3 s on the 2-core CI machine. Unchanged specialists must be skipped by git object
id, not re-read. Also times the default form (merge-base → working tree, changes uncommitted) and the
Markdown renderer. Usage: benches/diff.py [--specialists N] [--changed N] [--words N] [--runs N]
Builds the release binary first; the workspace is generated into a temporary folder and removed afterwards.
"""
import argparse
import os
import pathlib
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from bench import report, timed_runs  # noqa: E402
from validate import generate  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root, *args):
    env = dict(os.environ, **GIT_ENV)
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def change(root, n, total):
    """Edits n specialists spread over the workspace: a prompt sentence, the temperature, a new group."""
    rng = random.Random(7)
    for i in rng.sample(range(total), n):
        d = root / "specialists" / f"spec-{i:04d}"
        prompt = d / "system-prompt.md"
        text = prompt.read_text()
        prompt.write_text(text.replace("Du er en hjælpsom assistent", "Du er en venlig og præcis assistent", 1)
                          + "\nSvar altid kort, og henvis til kilden. 🙂\n")
        spec = d / "specialist.toml"
        spec.write_text(spec.read_text().replace("temperature = 0.3", "temperature = 0.5")
                        .replace('groups = ["alle"]', 'groups = ["alle", "ledere"]'))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--specialists", type=int, default=500)
    p.add_argument("--changed", type=int, default=10)
    p.add_argument("--words", type=int, default=2000)
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "aispec"], cwd=ROOT, check=True)
    binary = str(ROOT / "target" / "release" / "aispec")
    with tempfile.TemporaryDirectory(prefix="aispec-bench-") as tmp:
        root = pathlib.Path(tmp)
        generate(root, args.specialists, args.words)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "base")
        change(root, args.changed, args.specialists)
        env = dict(os.environ, NO_COLOR="1")
        label = f"{args.specialists} specialists, {args.changed} changed, {args.words}-word prompts"
        report(f"diff working tree (uncommitted): {label}",
               timed_runs([binary, "diff", "--quiet"], runs=args.runs, warmup=2, cwd=root, env=env))
        git(root, "commit", "-q", "-a", "-m", "head")
        for fmt in ["json", "human", "markdown"]:
            cmd = [binary, "diff", "HEAD~1..HEAD", "--format", fmt]
            report(f"diff HEAD~1..HEAD --format {fmt}: {label}",
                   timed_runs(cmd, runs=args.runs, warmup=2, cwd=root, env=env))
        cmd = [binary, "diff", "HEAD~1..HEAD", "--check-versions", "--quiet"]
        report(f"diff --check-versions: {label}",
               timed_runs(cmd, runs=args.runs, warmup=2, cwd=root, env=env, ok_codes=(1,)))


if __name__ == "__main__":
    main()
