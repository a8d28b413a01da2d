#!/usr/bin/env bash
# Runs each fuzz target for a bounded time on stable Rust and prints how many
# inputs each executed.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 300 s, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and python3 (for the seed
# corpus). `--sanitizer none` is what lets cargo-fuzz build on a stable
# toolchain (AddressSanitizer needs nightly's -Zsanitizer); pickle-core
# forbids unsafe code, so the sanitizer would add little. Hangs (-timeout) and
# memory blow-ups (-rss_limit_mb) still count as crashes. Findings land in
# fuzz/artifacts/<target>/; reproduce one with
#   cargo fuzz run --sanitizer none -O <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
python3 make_corpus.py "${targets[@]}" >/dev/null
total=0
for target in "${targets[@]}"; do
    log="artifacts/$target.log"
    mkdir -p "artifacts/$target"
    status=0
    cargo fuzz run --sanitizer none -O "$target" -- \
        -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    total=$((total + runs))
    if [ "$status" -ne 0 ]; then
        echo "$target: FAILED after $runs executions (see $log and artifacts/$target/)"
        exit "$status"
    fi
    echo "$target: $runs executions in ${seconds}s, no crash"
done
echo "total: $total executions"
