#!/usr/bin/env python3
"""Benchmark: `aispec validate` on a generated workspace of 1,000 specialists, each with a 2,000-word prompt.

Target (issue #2): under 0.5 s on the 2-core CI machine. Usage: benches/validate.py [--specialists N] [--words N]
Builds the release binary first. The workspace is generated into a temporary folder and removed afterwards.
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

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORDS = (
    "borger kommunen sagsbehandling afgørelse ansøgning vejledning frist klage medarbejder svar "
    "venligt klart dansk lovgivning ydelse hjælp oplysninger forvaltningsloven ret pligt støtte "
    "økonomi tilskud børn ældre sundhed beskæftigelse skole bolig trafik miljø kultur fritid "
    "og i at det en til er som på de med for ikke der har af skal kan vil om eller men"
).split()


def prompt(rng, words):
    out = ["# Rolle\n\nDu er en hjælpsom assistent for Aarhus Kommune.\n\n"]
    for i in range(words):
        out.append(rng.choice(WORDS))
        out.append(".\n" if i % 17 == 16 else ("\n\n## Afsnit\n\n" if i % 300 == 299 else " "))
    return "".join(out)


def generate(root, n, words):
    (root / "aispec.toml").write_text('[workspace]\nname = "Bench"\n[groups]\nalle = "Alle medarbejdere"\n')
    rng = random.Random(42)
    for i in range(n):
        d = root / "specialists" / f"spec-{i:04d}"
        d.mkdir(parents=True)
        (d / "specialist.toml").write_text(
            f'id = "spec-{i:04d}"\nname = "Specialist {i}"\nkind = "specialist"\nversion = "1.{i % 7}.0"\n'
            f'description = "Benchmark-specialist nummer {i}."\nbase_model = "azure-gpt-4.1"\n'
            f'tags = ["bench", "nr-{i % 10}"]\nnotice = "Skriv ikke personoplysninger."\n\n'
            '[owner]\ndepartment = "Digitalisering"\ncontact = "Builder-gruppen"\n\n'
            "[params]\ntemperature = 0.3\nmax_tokens = 2048\n\n"
            '[[suggestion_prompts]]\ntitle = "Start"\ntext = "Hvad kan du hjælpe med?"\n\n'
            '[access]\ngroups = ["alle"]\n'
        )
        (d / "system-prompt.md").write_text(prompt(rng, words))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--specialists", type=int, default=1000)
    p.add_argument("--words", type=int, default=2000)
    p.add_argument("--runs", type=int, default=10)
    args = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "aispec"], cwd=ROOT, check=True)
    binary = str(ROOT / "target" / "release" / "aispec")
    with tempfile.TemporaryDirectory(prefix="aispec-bench-") as tmp:
        root = pathlib.Path(tmp)
        generate(root, args.specialists, args.words)
        env = dict(os.environ, NO_COLOR="1")
        stats = timed_runs([binary, "validate", "--quiet"], runs=args.runs, warmup=2, cwd=root, env=env)
        report(f"validate: {args.specialists} specialists x {args.words}-word prompts", stats)


if __name__ == "__main__":
    main()
