#!/usr/bin/env python3
"""Report import cycles between the library's source files.

Reads every `crate::…`, `super::…` and `self::…` path in each file under src/ (the binaries under src/bin and
src/main.rs are left out), resolves it to the deepest module file that exists, and prints the strongly connected
components of that graph with more than one file. Test-only modules (`#[cfg(test)] mod tests;` files named
tests.rs) are left out, since tests may reach anywhere.

Usage: scripts/module-cycles.py [--src DIR] [--edges] [--commands]
  --src DIR   the source folder (default: src/ beside this script's folder)
  --edges     also print every file's dependencies
  --commands  print command modules that import another command module
Exit status: 0 when there is no cycle (and, with --commands, no command imports a sibling), 1 otherwise.
"""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(rel):
    parts = rel[:-3].split("/")
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


def collect_files():
    files = {}
    for root, _dirs, names in os.walk(SRC):
        for name in names:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, name), SRC).replace(os.sep, "/")
            if rel.startswith("bin/") or rel == "main.rs" or name == "tests.rs":
                continue
            files[module_of(rel)] = rel
    return files


def strip_tests(text):
    """Drops `#[cfg(test)] mod tests { … }` blocks and comments so test-only imports do not count."""
    text = re.sub(r"//[^\n]*", "", text)
    out = []
    i = 0
    pattern = re.compile(r"#\[cfg\(test\)\]\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{")
    while True:
        m = pattern.search(text, i)
        if not m:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        depth = 1
        j = m.end()
        while j < len(text) and depth:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        i = j
    return "".join(out)


def expand_use(body):
    """Expands `a::{b, c::{d, e}}` into ['a::b', 'a::c::d', 'a::c::e']."""
    body = re.sub(r"\s+as\s+\w+", "", body)
    body = re.sub(r"\s+", "", body)
    m = re.match(r"^([^{]*)\{(.*)\}$", body)
    if not m:
        return [body]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    if cur:
        parts.append(cur)
    result = []
    for part in parts:
        for sub in expand_use(part):
            result.append(prefix + sub)
    return result


def paths_in(text, here, files):
    """Every crate path the file names: in `use` items, written out in full, or through a name it imported."""
    text = strip_tests(text)
    found = []
    aliases = {}
    for m in re.finditer(r"\buse\s+(\w+::[^;]*);", text):
        head = m.group(1).split("::")[0]
        if head not in ("crate", "super", "self"):
            if here + (head,) not in files:
                continue  # another crate
            m_path = "self::" + m.group(1)
        else:
            m_path = m.group(1)
        for path in expand_use(m_path):
            found.append(path)
            segs = path.split("::")
            if segs[-1] == "self":
                segs = segs[:-1]
            aliases[segs[-1]] = "::".join(segs)
    for m in re.finditer(r"(?<![\w:])((?:crate|super)(?:::\w+)+)", text):
        found.append(m.group(1))
    # `name::rest` where name is an imported module or a child module of this one.
    for m in re.finditer(r"(?<![\w:])([a-z_][a-z0-9_]*)((?:::\w+)+)", text):
        head, rest = m.group(1), m.group(2)
        if head in ("crate", "super", "self", "std", "core"):
            continue
        if head in aliases:
            found.append(aliases[head] + rest)
        elif here + (head,) in files:
            found.append("self::" + head + rest)
    return found


def resolve(path, here, files):
    segs = path.split("::")
    if segs[0] == "crate":
        base, segs = [], segs[1:]
    else:
        base = list(here)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
    full = base + [s for s in segs if s not in ("*", "self")]
    for n in range(len(full), -1, -1):
        key = tuple(full[:n])
        if key in files:
            return key
    return None


def graph(files):
    edges = {}
    for module, rel in files.items():
        with open(os.path.join(SRC, rel), encoding="utf-8") as f:
            text = f.read()
        deps = set()
        for path in paths_in(text, module, files):
            target = resolve(path, module, files)
            if target is None or target == module:
                continue
            deps.add(target)
        edges[module] = deps
    return edges


def tarjan(edges):
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def name(files, m):
    return "src/" + files[m]


def main():
    global SRC
    if "--src" in sys.argv:
        SRC = sys.argv[sys.argv.index("--src") + 1]
    files = collect_files()
    edges = graph(files)
    status = 0
    if "--edges" in sys.argv:
        for m in sorted(edges):
            print(name(files, m), "->", ", ".join(sorted(name(files, d) for d in edges[m])))
        print()
    cycles = [sorted(c) for c in tarjan(edges) if len(c) > 1]
    if cycles:
        status = 1
        for comp in sorted(cycles, key=len, reverse=True):
            print(f"cycle of {len(comp)} files:")
            for m in comp:
                inside = sorted(name(files, d) for d in edges[m] if d in comp)
                print(f"  {name(files, m)} -> {', '.join(inside)}")
    else:
        print(f"no import cycle between {len(files)} files")
    if "--commands" in sys.argv:
        bad = []
        for m, deps in sorted(edges.items()):
            if len(m) == 2 and m[0] == "commands":
                for d in sorted(deps):
                    if len(d) >= 2 and d[0] == "commands" and d != m:
                        bad.append(f"  {name(files, m)} -> {name(files, d)}")
        if bad:
            status = 1
            print("command modules that import a sibling:")
            print("\n".join(bad))
        else:
            print("no command module imports another command module")
    return status


if __name__ == "__main__":
    sys.exit(main())
