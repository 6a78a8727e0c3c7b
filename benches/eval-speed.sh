#!/usr/bin/env bash
# Speed targets of `aispec eval` (issue 6), measured against the stub LLM with a release build:
#   1. 1,000 cases × 2 providers, 20 ms latency, concurrency 32, empty cache: within 1.2 × the ideal time
#      (cases × providers × latency / concurrency = 1.25 s, so at most 1.5 s).
#   2. The same run again, every answer from the cache: under 0.5 s.
# Each measurement is repeated (RUNS, default 5) and the median is reported. Uses hyperfine when installed.
#
#   benches/eval-speed.sh            # build, measure, print a summary; exit 1 when a target is missed
#   CASES=200 RUNS=3 benches/eval-speed.sh
set -euo pipefail

CASES=${CASES:-1000}
LATENCY_MS=${LATENCY_MS:-20}
CONCURRENCY=${CONCURRENCY:-32}
RUNS=${RUNS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)

cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin aispec --bin aispec-stub-llm
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
aispec="$target_dir/release/aispec"
stub="$target_dir/release/aispec-stub-llm"

work=$(mktemp -d)
stub_pid=""
cleanup() {
  if [ -n "$stub_pid" ]; then kill "$stub_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$stub" --port 0 --latency-ms "$LATENCY_MS" --models bench-a,bench-b >"$work/stub.out" 2>/dev/null &
stub_pid=$!
for _ in $(seq 50); do
  grep -q "listening on" "$work/stub.out" 2>/dev/null && break
  sleep 0.1
done
origin=$(sed -n 's/listening on //p' "$work/stub.out")

ws="$work/ws"
mkdir -p "$ws/suites"
cat >"$ws/aispec.toml" <<EOF
[workspace]
name = "Bench"

[providers.bench-a]
base_url = "$origin/v1"
model = "bench-a"

[providers.bench-b]
base_url = "$origin/v1"
model = "bench-b"
EOF
{
  echo '[suite]'
  echo 'name = "bench"'
  echo 'system = "Du er en hjælpsom assistent."'
  for i in $(seq "$CASES"); do
    printf '\n[[cases]]\nid = "c%d"\ncategory = "k%d"\nprompt = "Spørgsmål nummer %d: hvad er svaret?"\n' "$i" $((i % 8)) "$i"
    printf '[[cases.assert]]\ntype = "icontains"\nvalue = "nummer %d"\n' "$i"
    printf '[[cases.assert]]\ntype = "word-count"\nmax = 200\n'
  done
} >"$ws/suites/bench.toml"

run_eval() { "$aispec" -C "$ws" -q eval --suite bench --providers bench-a,bench-b --concurrency "$CONCURRENCY" "$@" >/dev/null; }

# Median wall time in seconds of RUNS runs of a command; `prepare` runs before each run, untimed.
median() {
  local prepare=$1
  shift
  local times=()
  for _ in $(seq "$RUNS"); do
    eval "$prepare"
    local start end
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

ideal=$(echo "$CASES * 2 * $LATENCY_MS / $CONCURRENCY / 1000" | bc -l)
if command -v hyperfine >/dev/null; then
  hyperfine --runs "$RUNS" --prepare "rm -rf '$ws/.aispec/cache'" \
    "'$aispec' -C '$ws' -q eval --suite bench --providers bench-a,bench-b --concurrency $CONCURRENCY" \
    --export-json "$work/cold.json" >&2
  run_eval
  hyperfine --runs "$RUNS" --warmup 1 \
    "'$aispec' -C '$ws' -q eval --suite bench --providers bench-a,bench-b --concurrency $CONCURRENCY" \
    --export-json "$work/warm.json" >&2
  cold=$(sed -n 's/.*"median": *\([0-9.]*\).*/\1/p' "$work/cold.json" | head -1)
  warm=$(sed -n 's/.*"median": *\([0-9.]*\).*/\1/p' "$work/warm.json" | head -1)
else
  cold=$(median "rm -rf '$ws/.aispec/cache'" run_eval)
  run_eval
  warm=$(median ":" run_eval)
fi

ratio=$(echo "$cold / $ideal" | bc -l)
printf 'cases=%d providers=2 latency=%dms concurrency=%d runs=%d\n' "$CASES" "$LATENCY_MS" "$CONCURRENCY" "$RUNS"
printf 'ideal            %.3f s\n' "$ideal"
printf 'uncached median  %.3f s  (%.2f x ideal, target <= 1.20)\n' "$cold" "$ratio"
printf 'cached median    %.3f s  (target < 0.50)\n' "$warm"
ok=1
if [ "$(echo "$ratio > 1.2" | bc -l)" = 1 ]; then ok=0; fi
if [ "$(echo "$warm >= 0.5" | bc -l)" = 1 ]; then ok=0; fi
if [ "$ok" = 1 ]; then echo "targets met"; else echo "target missed"; exit 1; fi
