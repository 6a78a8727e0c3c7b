#!/usr/bin/env bash
# Scale targets of `aispec eval` (issue 16), against the stub LLM with a release build:
#   1. 10,000 cases × 4 providers at concurrency 64, every tenth case graded by a judge, empty cache: within
#      1.1 × the ideal time (every request, judge included, × latency / concurrency), with a peak resident memory
#      under 200 MB (jobs start a window ahead of the request permits; each finished result is appended to a
#      temporary file under .aispec/, and only its pass/fail, score, latency, tokens and failed checks stay in memory).
#   2. The same run again, every answer and verdict from the cache: under 0.5 s.
# Each measurement is repeated (RUNS, default 3); the median wall time, the median CPU time (user + system, which a
# busy machine inflates less than wall time) and the largest peak memory are reported.
#
#   benches/eval-scale.sh                          # build, measure, print a summary; exit 1 when a target is missed
#   CASES=2000 RUNS=2 benches/eval-scale.sh        # smaller
#   KEEP=/tmp/scale benches/eval-scale.sh          # keep the workspace
#   CHECK=javascript benches/eval-scale.sh         # the length check as JavaScript, as benches/promptfoo-compare.sh has it
#   AISPEC=/tmp/aispec-old benches/eval-scale.sh   # measure another build of aispec (the stub is still built here)
set -euo pipefail

CASES=${CASES:-10000}
PROVIDERS=${PROVIDERS:-4}
LATENCY_MS=${LATENCY_MS:-20}
CONCURRENCY=${CONCURRENCY:-64}
JUDGE_EVERY=${JUDGE_EVERY:-10}
RUNS=${RUNS:-3}
CHECK=${CHECK:-word-count}
root=$(cd "$(dirname "$0")/.." && pwd)

cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin aispec --bin aispec-stub-llm
target_dir=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
aispec=${AISPEC:-$target_dir/release/aispec}
stub="$target_dir/release/aispec-stub-llm"

work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
stub_pid=""
cleanup() {
  if [ -n "$stub_pid" ]; then kill "$stub_pid" 2>/dev/null || true; fi
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

cat >"$work/answers.toml" <<'EOF'
[[answers]]
model = "judge-model"
answer = '{"pass": true, "score": 0.9, "reason": "Svaret er fint."}'
EOF
models=$(seq -s, -f "bench-%g" "$PROVIDERS")
"$stub" --port 0 --latency-ms "$LATENCY_MS" --answers "$work/answers.toml" --models "$models,judge-model" \
  >"$work/stub.out" 2>/dev/null &
stub_pid=$!
for _ in $(seq 50); do
  grep -q "listening on" "$work/stub.out" 2>/dev/null && break
  sleep 0.1
done
origin=$(sed -n 's/listening on //p' "$work/stub.out")

ws="$work/ws"
rm -rf "$ws"
mkdir -p "$ws/suites"
{
  printf '[workspace]\nname = "Bench"\n\n[eval]\njudge = "judge"\n\n[providers.judge]\nbase_url = "%s/v1"\nmodel = "judge-model"\n' "$origin"
  for i in $(seq "$PROVIDERS"); do
    printf '\n[providers.bench-%d]\nbase_url = "%s/v1"\nmodel = "bench-%d"\n' "$i" "$origin" "$i"
  done
} >"$ws/aispec.toml"
{
  echo '[suite]'
  echo 'name = "scale"'
  echo 'system = "Du er en hjælpsom assistent."'
  for i in $(seq "$CASES"); do
    printf '\n[[cases]]\nid = "c%d"\ncategory = "k%d"\nprompt = "Spørgsmål nummer %d: hvad er svaret?"\n' "$i" $((i % 8)) "$i"
    printf '[[cases.assert]]\ntype = "icontains"\nvalue = "nummer %d"\n' "$i"
    if [ "$CHECK" = javascript ]; then
      printf '[[cases.assert]]\ntype = "javascript"\nvalue = "output.split(/\\\\s+/).length <= 200"\n'
    else
      printf '[[cases.assert]]\ntype = "word-count"\nmax = 200\n'
    fi
    if [ $((i % JUDGE_EVERY)) = 0 ]; then
      printf '[[cases.assert]]\ntype = "llm-rubric"\nvalue = "Svaret gentager spørgsmålet."\n'
    fi
  done
} >"$ws/suites/scale.toml"

providers=$(seq -s, -f "bench-%g" "$PROVIDERS")
# Wall seconds, peak resident kilobytes and CPU seconds of one run, as "SECONDS KB CPU".
run_eval() {
  /usr/bin/time -f "%e %M %U %S" -o "$work/time.out" \
    "$aispec" -C "$ws" -q eval --suite scale --providers "$providers" --concurrency "$CONCURRENCY" >/dev/null
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/time.out"
}
measure() {
  local prepare=$1
  local times=() cpus=() peak=0
  for _ in $(seq "$RUNS"); do
    eval "$prepare"
    read -r secs kb cpu < <(run_eval)
    times+=("$secs")
    cpus+=("$cpu")
    if [ "$kb" -gt "$peak" ]; then peak=$kb; fi
  done
  echo "$(median "${times[@]}") $peak $(median "${cpus[@]}") $(printf '%s ' "${times[@]}")"
}
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

requests=$((CASES * PROVIDERS + CASES / JUDGE_EVERY * PROVIDERS))
ideal=$(echo "$requests * $LATENCY_MS / $CONCURRENCY / 1000" | bc -l)
read -r cold cold_kb cold_cpu cold_all < <(measure "rm -rf '$ws/.aispec/cache'")
run_eval >/dev/null
read -r warm warm_kb warm_cpu warm_all < <(measure ":")

ratio=$(echo "$cold / $ideal" | bc -l)
printf 'check=%s ' "$CHECK"
printf 'cases=%d providers=%d judge every %d cases, requests=%d latency=%dms concurrency=%d runs=%d\n' \
  "$CASES" "$PROVIDERS" "$JUDGE_EVERY" "$requests" "$LATENCY_MS" "$CONCURRENCY" "$RUNS"
printf 'ideal            %.3f s\n' "$ideal"
printf 'uncached median  %.3f s  (%.3f x ideal, target <= 1.10)  cpu %.2f s  peak %d MB  runs: %s\n' \
  "$cold" "$ratio" "$cold_cpu" $((cold_kb / 1024)) "$cold_all"
printf 'cached median    %.3f s  (target < 0.50)  cpu %.2f s  peak %d MB  runs: %s\n' \
  "$warm" "$warm_cpu" $((warm_kb / 1024)) "$warm_all"
ok=1
if [ "$(echo "$ratio > 1.1" | bc -l)" = 1 ]; then ok=0; fi
if [ "$(echo "$warm >= 0.5" | bc -l)" = 1 ]; then ok=0; fi
if [ $((cold_kb / 1024)) -ge 200 ] || [ $((warm_kb / 1024)) -ge 200 ]; then ok=0; fi
if [ "$ok" = 1 ]; then echo "targets met"; else echo "target missed"; exit 1; fi
