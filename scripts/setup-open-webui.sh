#!/bin/sh
# Installs Open WebUI 0.12.4 into a cache folder outside the repo, once; later runs reuse it.
# The deploy tests start it from there (offline, fresh data folder per test run).
#
#   scripts/setup-open-webui.sh          # install if missing, print the venv path
#   AISPEC_OPEN_WEBUI_VENV=/opt/owui scripts/setup-open-webui.sh
#
# Needs Python 3.11 or 3.12 and about 5 minutes and several GB on the first run.
set -eu

VERSION=0.12.4
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/aispec"
VENV="${AISPEC_OPEN_WEBUI_VENV:-$CACHE/open-webui-$VERSION}"

installed() {
    [ -x "$VENV/bin/open-webui" ] &&
        "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('open-webui') != '$VERSION')" \
            2>/dev/null
}

if installed; then
    echo "$VENV"
    exit 0
fi

mkdir -p "$(dirname "$VENV")"
# One installer at a time: parallel test binaries may all find the venv missing.
exec 9>"$VENV.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi
if installed; then
    echo "$VENV"
    exit 0
fi

PYTHON=""
for candidate in "${AISPEC_PYTHON:-}" python3.11 python3.12 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null; then
        PYTHON="$candidate"
        break
    fi
done
if [ -z "$PYTHON" ]; then
    echo "error: Open WebUI $VERSION needs Python 3.11 or 3.12; none found (set AISPEC_PYTHON)" >&2
    exit 2
fi

echo "Installing open-webui==$VERSION into $VENV (first run only; this takes a few minutes)…" >&2
TMP="$VENV.partial"
rm -rf "$TMP"
"$PYTHON" -m venv "$TMP"
"$TMP/bin/python" -m pip install --quiet --upgrade pip >&2
"$TMP/bin/python" -m pip install --quiet "open-webui==$VERSION" >&2
rm -rf "$VENV"
mv "$TMP" "$VENV"
# The venv's scripts name the folder they were built in; point them at the final one.
for f in "$VENV"/bin/*; do
    if [ -f "$f" ] && head -n 1 "$f" | grep -q "^#!.*$TMP"; then
        sed -i "1s|$TMP|$VENV|" "$f"
    fi
done
sed -i "s|$TMP|$VENV|g" "$VENV/pyvenv.cfg" "$VENV/bin/activate" 2>/dev/null || true
installed || { echo "error: the installation in $VENV does not work" >&2; exit 2; }
echo "$VENV"
