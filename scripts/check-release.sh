#!/usr/bin/env bash
# Checks the release set-up as far as one Linux x86_64 machine can, without publishing anything:
#
#   1. `dist plan`: every platform gets an archive and a checksum, both installers and sha256.sum are made,
#      and only the aispec binary is shipped;
#   2. `dist generate --check`: .github/workflows/v-release.yml is what dist-workspace.toml generates;
#   3. every workflow and action file, and the workflow `aispec init` writes, against GitHub's schemas;
#   4. builds the Linux x86_64 release archive as CI would, and runs the binary from it
#      (--version names the commit, completions, init, validate);
#   5. serves the built release over HTTPS on 127.0.0.1 and installs from it three ways: the shell
#      installer, the install-aispec action (used by the project's workflows) and the install step of init's
#      workflow; a tampered archive must be refused by the checksum check.
#
# macOS, Windows and Linux aarch64 are built only by the release workflow on GitHub's runners.
#
# Needs: dist (the version in dist-workspace.toml), check-jsonschema (pip install check-jsonschema, which brings
# ruamel.yaml into the same python3), openssl, curl, sha256sum, tar with xz. Prints the build time and sizes.
#
#   scripts/check-release.sh
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "check-release: $*" >&2
    exit 1
}
step() { echo "==> $*"; }

# --- tools -----------------------------------------------------------------------------------------------------
want_dist=$(sed -n 's/^cargo-dist-version = "\(.*\)"$/\1/p' dist-workspace.toml)
[ -n "$want_dist" ] || fail "dist-workspace.toml has no cargo-dist-version"
command -v dist >/dev/null ||
    fail "dist is missing; install $want_dist: cargo install cargo-dist --locked --version $want_dist"
have_dist=$(dist --version | awk '{print $2}')
[ "$have_dist" = "$want_dist" ] ||
    fail "dist $have_dist found, dist-workspace.toml wants $want_dist (cargo install cargo-dist --locked --version $want_dist)"
for tool in check-jsonschema openssl curl sha256sum tar xz python3 cargo; do
    command -v "$tool" >/dev/null || fail "$tool is missing (see the header of $0)"
done
python3 -c 'import ruamel.yaml' 2>/dev/null ||
    fail "python3 cannot import ruamel.yaml; pip install check-jsonschema into the python3 on PATH"

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

version=$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')

# --- 1. plan ---------------------------------------------------------------------------------------------------
step "dist plan"
dist plan --output-format=json >"$work/plan.json"
python3 - "$work/plan.json" "$version" <<'EOF'
import json, sys
plan = json.load(open(sys.argv[1]))
version = sys.argv[2]
names = set(plan["artifacts"])
want = {"aispec-installer.sh", "aispec-installer.ps1", "sha256.sum"}
for target in ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "aarch64-apple-darwin"]:
    want |= {f"aispec-{target}.tar.xz", f"aispec-{target}.tar.xz.sha256"}
want |= {"aispec-x86_64-pc-windows-msvc.zip", "aispec-x86_64-pc-windows-msvc.zip.sha256"}
missing = sorted(want - names)
if missing:
    sys.exit(f"dist plan lacks {missing}")
for name, artifact in plan["artifacts"].items():
    shipped = [a.get("name") for a in artifact.get("assets", []) if a.get("kind") == "executable"]
    if artifact.get("kind") == "executable-zip" and shipped != ["aispec"]:
        sys.exit(f"{name} ships {shipped}: only aispec is released")
if plan["announcement_tag"] != f"v{version}":
    sys.exit(f"dist plan announces {plan['announcement_tag']}, Cargo.toml is at {version}")
print(f"plan: v{version}, {len(names)} artifacts")
EOF

# --- 2. the generated workflow matches the config --------------------------------------------------------------
step "dist generate --check"
dist generate --check

# --- 3. schemas ------------------------------------------------------------------------------------------------
step "workflow and action schemas"
check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml

# --- 4. the Linux x86_64 artefact ------------------------------------------------------------------------------
step "dist build (x86_64-unknown-linux-gnu)"
start=$(date +%s)
dist build --artifacts=all --target x86_64-unknown-linux-gnu --output-format=json >"$work/build.json" \
    2>"$work/build.log" || {
    cat "$work/build.log"
    fail "dist build failed"
}
build_seconds=$(($(date +%s) - start))
archive=aispec-x86_64-unknown-linux-gnu.tar.xz
# dist writes to target/distrib of the workspace (whatever CARGO_TARGET_DIR says); its manifest names the paths.
distrib=$(python3 -c 'import json, os, sys; print(os.path.dirname(json.load(sys.stdin)["artifacts"][sys.argv[1]]["path"]))' \
    "$archive" <"$work/build.json") || fail "dist build made no $archive"
[ -f "$distrib/$archive" ] || fail "dist build made no $archive"
grep -q " [ *]$archive\$" "$distrib/sha256.sum" || fail "sha256.sum lists no $archive"
(cd "$distrib" && sha256sum --check --strict "$archive.sha256")
mkdir -p "$work/unpacked"
tar -xJf "$distrib/$archive" -C "$work/unpacked"
bin="$work/unpacked/aispec-x86_64-unknown-linux-gnu/aispec"
[ -x "$bin" ] || fail "$archive has no aispec binary"
[ ! -e "$work/unpacked/aispec-x86_64-unknown-linux-gnu/aispec-stub-llm" ] || fail "$archive ships aispec-stub-llm"

step "run the built binary"
"$bin" --version | tee "$work/version"
grep -Eq "^aispec $version \(([0-9a-f]{12}(-dirty)?( [0-9]{4}-[0-9]{2}-[0-9]{2})?|commit unknown)\)\$" "$work/version" ||
    fail "--version does not name the version and commit"
"$bin" completions bash | grep -q "aispec" || fail "completions bash printed no script"
mkdir -p "$work/home"
HOME="$work/home" "$bin" init "$work/ws" --name Prøve >/dev/null
HOME="$work/home" "$bin" -C "$work/ws" validate >/dev/null
check-jsonschema --builtin-schema vendor.github-workflows "$work/ws/.github/workflows/aispec.yml"

# --- 5. install from a local copy of the release ---------------------------------------------------------------
step "install from the release, served on 127.0.0.1"
release="$work/release/v$version"
mkdir -p "$release"
cp "$distrib/$archive" "$distrib/sha256.sum" "$distrib/aispec-installer.sh" "$release/"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
timeout 600 python3 - "$work/release" "$work/cert.pem" "$work/key.pem" "$work/port" <<'EOF' &
import functools, http.server, ssl, sys
root, cert, key, port_file = sys.argv[1:]
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os; os.rename(port_file + ".tmp", port_file)
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || fail "the local HTTPS server did not start"
base="https://127.0.0.1:$(cat "$work/port")"
export CURL_CA_BUNDLE="$work/cert.pem"

# The shell installer, as `curl … | sh` runs it, into a throw-away home.
mkdir -p "$work/installer-home"
HOME="$work/installer-home" AISPEC_DOWNLOAD_URL="$base/v$version" AISPEC_NO_MODIFY_PATH=1 \
    sh "$release/aispec-installer.sh" >"$work/installer.log" 2>&1 || {
    cat "$work/installer.log"
    fail "the shell installer failed"
}
"$work/installer-home/.local/bin/aispec" --version >/dev/null || fail "the shell installer left no working aispec"
echo "shell installer: ok"

# The `run:` block of a step, as GitHub would run it with bash.
run_block() { # FILE STEP-NAME-PREFIX
    python3 - "$1" "$2" <<'EOF'
import sys
from ruamel.yaml import YAML
doc = YAML(typ="safe").load(open(sys.argv[1]))
steps = doc["runs"]["steps"] if "runs" in doc else [s for job in doc["jobs"].values() for s in job["steps"]]
for step in steps:
    if step.get("name", "").startswith(sys.argv[2]) and "run" in step:
        print(step["run"])
        break
else:
    sys.exit(f"{sys.argv[1]}: no step named {sys.argv[2]}…")
EOF
}
# Runs an install step like a GitHub runner would (Linux x64, a fresh RUNNER_TEMP and GITHUB_PATH), then checks
# that the folder it put on PATH holds a working aispec.
run_install_step() { # NAME SCRIPT [ENV…]
    local name=$1 script=$2
    shift 2
    local runner="$work/runner-$name"
    mkdir -p "$runner/temp"
    : >"$runner/path"
    env RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$runner/temp" GITHUB_PATH="$runner/path" "$@" \
        bash -e -o pipefail -c "$script" >"$runner/log" 2>&1 || {
        cat "$runner/log"
        return 1
    }
    [ -x "$(cat "$runner/path")/aispec" ] || fail "$name put no aispec on PATH"
    "$(cat "$runner/path")/aispec" --version >/dev/null
}

action_step=$(run_block .github/actions/install-aispec/action.yml "Install aispec")
run_install_step action "$action_step" AISPEC_VERSION="$version" AISPEC_RELEASES="$base" ||
    fail "the install-aispec action failed"
echo "install-aispec action: ok"

init_workflow="$work/ws/.github/workflows/aispec.yml"
init_version=$(sed -n 's/^  AISPEC_VERSION: "\(.*\)"$/\1/p' "$init_workflow")
[ "$init_version" = "$version" ] || fail "init's workflow pins aispec ${init_version:-nothing}, the binary is $version"
init_step=$(run_block "$init_workflow" "Install aispec")
init_step=${init_step//https:\/\/github.com\/*\/releases\/download/$base}
run_install_step init "$init_step" AISPEC_VERSION="$init_version" || fail "the install step of init's workflow failed"
echo "init's workflow: ok"

# A tampered archive (well-formed, with another program as aispec) must be refused before anything lands on PATH.
mkdir -p "$work/evil/aispec-x86_64-unknown-linux-gnu"
printf '#!/bin/sh\necho "aispec %s (not the real one)"\n' "$version" >"$work/evil/aispec-x86_64-unknown-linux-gnu/aispec"
chmod +x "$work/evil/aispec-x86_64-unknown-linux-gnu/aispec"
tar -cJf "$release/$archive" -C "$work/evil" aispec-x86_64-unknown-linux-gnu
if run_install_step tampered "$action_step" AISPEC_VERSION="$version" AISPEC_RELEASES="$base" >/dev/null 2>&1; then
    fail "the install-aispec action accepted an archive that does not match sha256.sum"
fi
[ ! -s "$work/runner-tampered/path" ] || fail "a tampered archive was put on PATH"
mkdir -p "$work/tampered-home"
if HOME="$work/tampered-home" AISPEC_DOWNLOAD_URL="$base/v$version" AISPEC_NO_MODIFY_PATH=1 \
    sh "$release/aispec-installer.sh" >/dev/null 2>&1; then
    fail "the shell installer accepted an archive that does not match its checksum"
fi
[ ! -e "$work/tampered-home/.local/bin/aispec" ] || fail "the shell installer installed a tampered archive"
echo "tampered archive refused by the action and the shell installer: ok"

# --- numbers ---------------------------------------------------------------------------------------------------
echo
echo "dist build (Linux x86_64): ${build_seconds} s"
echo "binary: $(stat -c %s "$bin") bytes; archive: $(stat -c %s "$distrib/$archive") bytes"
echo "check-release: all checks passed"
