#!/usr/bin/env bash
# bench.sh: times, side by side in one run, `sidecar-migrate diff`, `yq eval '.'` over every
# file, `kustomize cfg cat` and `cat` of every file (the I/O floor) on the same generated tree
# of N files with kustomizations (one per ten manifests, overlays patching a quarter of the
# bases), then on a tree of 10×N; prints wall time, CPU time (user+sys), peak memory, each
# tool's ratio to sidecar-migrate (in time, and in CPU time, steadier on a busy machine), and
# how sidecar-migrate grows from N to 10×N. It also runs sidecar-migrate on a copy of each
# tree without its kustomization files: what that run saves is the share of the repository
# plan (package kustomize) in the run. kustomize cfg cat holds the whole tree in memory (about
# 0.4 GB per 1,000 files), so N stays small: 500 by default.
#
# On a busy machine one run says little: RUNS=n runs every command n times and prints, for
# each, the run with the median CPU time, and the range of CPU times over the runs.
#
#   scripts/bench.sh [N]        (make bench KN=...; YQ and KUSTOMIZE name the binaries;
#                                RUNS=n repeats each command)
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

RUNS=${RUNS:-1}

# measure COMMAND...: prints "seconds cpu_seconds peak_kb cpu_range" of the run with the
# median CPU time among RUNS runs (output discarded).
measure() {
  : >"$WORK/runs.txt"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
    tail -1 "$WORK/time.txt" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' >>"$WORK/runs.txt"
  done
  sort -k2 -n "$WORK/runs.txt" | awk '{ row[NR] = $0; cpu[NR] = $2 }
    END { printf "%s %s-%s\n", row[int((NR + 1) / 2)], cpu[1], cpu[NR] }'
}

printf '%-7s %-28s %8s %8s %8s %10s %10s %10s %12s\n' files tool seconds cpu_s peak_MB ours/tool cpu/tool mem/tool cpu_range
for n in "$N" $((N * 10)); do
  tree=$WORK/tree-$n
  [ -d "$tree" ] || go run ./internal/gentree -kustomize -n "$n" -out "$tree" >/dev/null
  bare=$WORK/tree-$n-without-kustomizations
  if [ ! -d "$bare" ]; then
    cp -R "$tree" "$bare"
    find "$bare" -name kustomization.yaml -delete
  fi
  files=$(find "$tree" -name '*.yaml' | wc -l)
  read -r ours_s ours_cpu ours_kb ours_range < <(measure "$WORK/sidecar-migrate" diff "$tree")
  read -r bare_s bare_cpu bare_kb bare_range < <(measure "$WORK/sidecar-migrate" diff "$bare")
  read -r yq_s yq_cpu yq_kb yq_range < <(measure sh -c "find '$tree' -name '*.yaml' -print0 | xargs -0 -n 500 '$YQ' eval '.'")
  read -r kz_s kz_cpu kz_kb kz_range < <(measure "$KUSTOMIZE" cfg cat "$tree")
  read -r cat_s cat_cpu cat_kb cat_range < <(measure sh -c "find '$tree' -name '*.yaml' -print0 | xargs -0 cat")
  for row in "sidecar-migrate diff|$ours_s|$ours_cpu|$ours_kb|$ours_range" "... without kustomizations|$bare_s|$bare_cpu|$bare_kb|$bare_range" \
    "yq eval '.'|$yq_s|$yq_cpu|$yq_kb|$yq_range" "kustomize cfg cat|$kz_s|$kz_cpu|$kz_kb|$kz_range" "cat (I/O floor)|$cat_s|$cat_cpu|$cat_kb|$cat_range"; do
    IFS='|' read -r tool s cpu kb range <<<"$row"
    awk -v n="$files" -v t="$tool" -v s="$s" -v cpu="$cpu" -v kb="$kb" -v os="$ours_s" -v ocpu="$ours_cpu" -v okb="$ours_kb" -v r="$range" \
      'BEGIN { printf "%-7d %-28s %8.2f %8.2f %8.1f %9.3fx %9.3fx %9.2fx %12s\n", n, t, s, cpu, kb/1024, os/(s>0?s:0.01), ocpu/(cpu>0?cpu:0.01), okb/kb, r }'
  done
  awk -v s="$ours_s" -v b="$bare_s" -v cpu="$ours_cpu" -v bcpu="$bare_cpu" \
    'BEGIN { printf "        the plan'"'"'s share of the run: %.0f%% of the time, %.0f%% of the CPU time\n", (s-b)*100/(s>0?s:0.01), (cpu-bcpu)*100/(cpu>0?cpu:0.01) }'
  if [ "$n" = "$N" ]; then first_s=$ours_s first_kb=$ours_kb; fi
done
awk -v s="$first_s" -v kb="$first_kb" -v s2="$ours_s" -v kb2="$ours_kb" \
  'BEGIN { printf "sidecar-migrate from N to 10×N: time %.1fx, peak memory %+.0f%%\n", s2/s, (kb2-kb)*100/kb }'
echo "trees and binary in $WORK"
