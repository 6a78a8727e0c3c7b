#!/usr/bin/env bash
# The scale run of benches/eval-scale.sh, made with promptfoo instead, for comparison: the same stub LLM (release
# build), the same cases (icontains, a word count as JavaScript, llm-rubric on every tenth case), the same number
# of providers and the same concurrency; uncached, then cached. promptfoo is not a dependency of aispec: the script
# installs it with npm into a temporary folder unless PROMPTFOO_DIR points at a folder where it is installed.
#
#   benches/promptfoo-compare.sh                              # 10,000 cases × 4 providers, one run each
#   CASES=1000 PROVIDERS=2 CONCURRENCY=32 benches/promptfoo-compare.sh
#   PROMPTFOO_DIR=/tmp/pfbench benches/promptfoo-compare.sh   # reuse an installation
#   STUB=/tmp/aispec-stub-llm benches/promptfoo-compare.sh     # a stub built earlier (no cargo build)
#
# Everything stays on this machine: promptfoo's telemetry, update check and sharing are switched off, and every
# provider points at the stub on 127.0.0.1.
set -euo pipefail

CASES=${CASES:-10000}
PROVIDERS=${PROVIDERS:-4}
LATENCY_MS=${LATENCY_MS:-20}
CONCURRENCY=${CONCURRENCY:-64}
JUDGE_EVERY=${JUDGE_EVERY:-10}
root=$(cd "$(dirname "$0")/.." && pwd)

stub=${STUB:-}
if [ -z "$stub" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin aispec-stub-llm
  target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  stub="$target_dir/release/aispec-stub-llm"
fi

work=$(mktemp -d)
stub_pid=""
cleanup() {
  if [ -n "$stub_pid" ]; then kill "$stub_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

pf_dir=${PROMPTFOO_DIR:-}
if [ -z "$pf_dir" ]; then
  pf_dir="$work/promptfoo"
  mkdir -p "$pf_dir"
  (cd "$pf_dir" && npm init -y >/dev/null && npm install promptfoo --no-audit --no-fund >/dev/null)
fi
promptfoo="$pf_dir/node_modules/.bin/promptfoo"
version=$("$promptfoo" --version 2>/dev/null | tail -1)

cat >"$work/answers.toml" <<'EOF'
[[answers]]
model = "judge-model"
answer = '{"pass": true, "score": 0.9, "reason": "Svaret er fint."}'
EOF
"$stub" --port 0 --latency-ms "$LATENCY_MS" --answers "$work/answers.toml" >"$work/stub.out" 2>/dev/null &
stub_pid=$!
for _ in $(seq 50); do
  grep -q "listening on" "$work/stub.out" 2>/dev/null && break
  sleep 0.1
done
origin=$(sed -n 's/listening on //p' "$work/stub.out")

cfg="$work/promptfooconfig.yaml"
{
  echo 'description: scale'
  echo 'prompts:'
  echo '  - "Spørgsmål nummer {{ n }}: hvad er svaret?"'
  echo 'providers:'
  for i in $(seq "$PROVIDERS"); do
    printf '  - id: openai:chat:bench-%d\n    config:\n      apiBaseUrl: %s/v1\n      apiKey: stub\n' "$i" "$origin"
  done
  echo 'defaultTest:'
  echo '  options:'
  printf '    provider:\n      id: openai:chat:judge-model\n      config:\n        apiBaseUrl: %s/v1\n        apiKey: stub\n' "$origin"
  echo 'tests:'
  for i in $(seq "$CASES"); do
    printf '  - vars: {n: "%d"}\n    assert:\n      - type: icontains\n        value: "nummer %d"\n' "$i" "$i"
    printf '      - type: javascript\n        value: output.split(/\\s+/).length <= 200\n'
    if [ $((i % JUDGE_EVERY)) = 0 ]; then
      printf '      - type: llm-rubric\n        value: Svaret gentager spørgsmålet.\n'
    fi
  done
} >"$cfg"

export PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_DISABLE_SHARING=1
export PROMPTFOO_CACHE_PATH="$work/cache" PROMPTFOO_CONFIG_DIR="$work/config" OPENAI_API_KEY=stub
timed() {
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/mem.out" "$promptfoo" eval -c "$cfg" -j "$CONCURRENCY" --no-table --no-progress-bar \
    -o "$work/out.json" "$@" >"$work/eval.log" 2>&1 || true
  end=$(date +%s.%N)
  # promptfoo exits 100 when an assertion fails, and time(1) then adds a line before the number.
  echo "$(echo "$end - $start" | bc -l) $(tail -1 "$work/mem.out")"
}
requests=$((CASES * PROVIDERS + CASES / JUDGE_EVERY * PROVIDERS))
ideal=$(echo "$requests * $LATENCY_MS / $CONCURRENCY / 1000" | bc -l)
read -r cold cold_kb < <(timed --no-cache)
read -r filled _ < <(timed)
read -r warm warm_kb < <(timed)
printf 'promptfoo %s: cases=%d providers=%d judge every %d, requests=%d latency=%dms concurrency=%d\n' \
  "$version" "$CASES" "$PROVIDERS" "$JUDGE_EVERY" "$requests" "$LATENCY_MS" "$CONCURRENCY"
printf 'ideal                   %.3f s\n' "$ideal"
printf 'uncached (--no-cache)   %.3f s  (%.2f x ideal)  peak %d MB\n' "$cold" "$(echo "$cold / $ideal" | bc -l)" \
  $((cold_kb / 1024))
printf 'filling the cache       %.3f s\n' "$filled"
printf 'cached                  %.3f s  peak %d MB\n' "$warm" $((warm_kb / 1024))
# The last run's tally, so a run that failed every test does not pass for a fast one.
node -e 'const s = require(process.argv[1]).results.stats;
  console.log(`last run: ${s.successes} passed, ${s.failures} failed, ${s.errors} errors`)' "$work/out.json" ||
  tail -5 "$work/eval.log" >&2
