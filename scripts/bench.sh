#!/usr/bin/env bash
# bench.sh: times, side by side in one run, `sidecar-migrate diff`, `yq eval '.'` over every
# file, `kustomize cfg cat` and `cat` of every file (the I/O floor) on the same generated tree
# of N files with kustomizations (one per ten manifests, overlays patching a quarter of the
# bases), then on a tree of 10×N; prints wall time, peak memory, each tool's ratio to
# sidecar-migrate, and how sidecar-migrate grows from N to 10×N. kustomize cfg cat holds the
# whole tree in memory (about 0.4 GB per 1,000 files), so N stays small: 500 by default.
#
#   scripts/bench.sh [N]        (make bench KN=...; YQ and KUSTOMIZE name the binaries)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-500}
YQ=${YQ:-bin/tools/yq-v4.54.3/yq}
KUSTOMIZE=${KUSTOMIZE:-${XDG_CACHE_HOME:-$HOME/.cache}/sidecar-migrate/tools/kustomize-v5.8.2/kustomize}
WORK=${BENCH_DIR:-$(mktemp -d)}

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is missing (Debian: apt-get install time)" >&2
  exit 2
fi
for bin in "$YQ" "$KUSTOMIZE"; do
  [ -x "$bin" ] || { echo "bench: $bin is missing (make bench installs it)" >&2; exit 2; }
done
CGO_ENABLED=0 go build -trimpath -o "$WORK/sidecar-migrate" ./cmd/sidecar-migrate

# measure COMMAND...: prints "seconds peak_kb" of one run (output discarded).
measure() {
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
  tail -1 "$WORK/time.txt"
}

printf '%-7s %-22s %9s %9s %12s %12s\n' files tool seconds peak_MB ours/tool ours_mem/tool
for n in "$N" $((N * 10)); do
  tree=$WORK/tree-$n
  [ -d "$tree" ] || go run ./internal/gentree -kustomize -n "$n" -out "$tree" >/dev/null
  files=$(find "$tree" -name '*.yaml' | wc -l)
  read -r ours_s ours_kb < <(measure "$WORK/sidecar-migrate" diff "$tree")
  read -r yq_s yq_kb < <(measure sh -c "find '$tree' -name '*.yaml' -print0 | xargs -0 -n 500 '$YQ' eval '.'")
  read -r kz_s kz_kb < <(measure "$KUSTOMIZE" cfg cat "$tree")
  read -r cat_s cat_kb < <(measure sh -c "find '$tree' -name '*.yaml' -print0 | xargs -0 cat")
  for row in "sidecar-migrate diff|$ours_s|$ours_kb" "yq eval '.'|$yq_s|$yq_kb" \
    "kustomize cfg cat|$kz_s|$kz_kb" "cat (I/O floor)|$cat_s|$cat_kb"; do
    IFS='|' read -r tool s kb <<<"$row"
    awk -v n="$files" -v t="$tool" -v s="$s" -v kb="$kb" -v os="$ours_s" -v okb="$ours_kb" \
      'BEGIN { printf "%-7d %-22s %9.2f %9.1f %11.3fx %11.2fx\n", n, t, s, kb/1024, os/(s>0?s:0.01), okb/kb }'
  done
  if [ "$n" = "$N" ]; then first_s=$ours_s first_kb=$ours_kb; fi
done
awk -v s="$first_s" -v kb="$first_kb" -v s2="$ours_s" -v kb2="$ours_kb" \
  'BEGIN { printf "sidecar-migrate from N to 10×N: time %.1fx, peak memory %+.0f%%\n", s2/s, (kb2-kb)*100/kb }'
echo "trees and binary in $WORK"
