#!/usr/bin/env python3
"""List the library's functions longer than a limit (default 80 lines), longest first.

Test code is left out: files named tests.rs, folders named tests, and `#[cfg(test)] mod … { … }` blocks.
Usage: scripts/long-functions.py [LIMIT]
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
FN = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+(\w+)")
TEST_MOD = re.compile(r"^\s*#\[cfg\(test\)\]")


def blank_strings(line):
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(?:\\.|[^'\\])'", "''", line)
    return re.sub(r"//.*", "", line)


def functions(path):
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    out = []
    i = 0
    skip_next_block = False
    while i < len(lines):
        line = lines[i]
        if TEST_MOD.match(line):
            skip_next_block = True
        m = FN.match(line)
        opens = "{" in blank_strings(line)
        if skip_next_block and opens:
            i = block_end(lines, i) + 1
            skip_next_block = False
            continue
        if m:
            j = i
            while j < len(lines) and "{" not in blank_strings(lines[j]) and ";" not in blank_strings(lines[j]):
                j += 1
            if j < len(lines) and "{" in blank_strings(lines[j]):
                end = block_end(lines, j)
                out.append((end - i + 1, m.group(1), i + 1))
                i = end + 1
                continue
        i += 1
    return out


def block_end(lines, start):
    depth = 0
    for k in range(start, len(lines)):
        text = blank_strings(lines[k])
        depth += text.count("{") - text.count("}")
        if depth <= 0 and ("{" in text or "}" in text):
            return k
    return len(lines) - 1


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    rows = []
    for root, dirs, names in os.walk(SRC):
        dirs[:] = [d for d in dirs if d != "tests"]
        for name in names:
            if not name.endswith(".rs") or name == "tests.rs":
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, os.path.join(SRC, "..")).replace(os.sep, "/")
            for length, fname, line in functions(path):
                rows.append((length, f"{rel}:{line}", fname))
    rows.sort(reverse=True)
    print(f"longest function: {rows[0][0]} lines ({rows[0][2]} at {rows[0][1]})")
    for length, where, fname in rows:
        if length > limit:
            print(f"{length:5}  {fname}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
