#!/usr/bin/env bash
# bench.sh: times `sidecar-migrate diff`, `yq eval '.'`, `kustomize cfg cat` and `cat` of every
# file (the I/O floor) on the same generated tree of N files with kustomizations (one per ten
# manifests, overlays patching a quarter of them) in one run, and sidecar-migrate alone on 10×N files to show how its
# cost grows; prints wall time, peak memory and ratios. (kustomize cfg cat holds the whole tree
# in memory, about 1.6 GB per 1,000 files here, so it is not run on the 10×N tree.)
#
#   scripts/bench.sh [N]        (default N=10000; make bench N=...)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
TOOLS_DIR=${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sidecar-migrate/tools}
YQ=$TOOLS_DIR/yq-v4.54.1/yq
KUSTOMIZE=$TOOLS_DIR/kustomize-v5.8.2/kustomize
WORK=${BENCH_DIR:-$(mktemp -d)}

if [ ! -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time is missing (Debian: apt-get install time)" >&2
  exit 2
fi
[ -x "$YQ" ] || GOBIN=$(dirname "$YQ") go install github.com/mikefarah/yq/v4@v4.54.1
[ -x "$KUSTOMIZE" ] || GOBIN=$(dirname "$KUSTOMIZE") go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.2
CGO_ENABLED=0 go build -trimpath -o "$WORK/sidecar-migrate" ./cmd/sidecar-migrate

# measure LABEL COMMAND...: prints "seconds peak_kb" of one run (output discarded).
measure() {
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" >/dev/null 2>&1 || true
  cat "$WORK/time.txt"
}

printf '%-8s %-30s %10s %12s %14s %12s\n' files tool seconds peak_MB time_vs_ours mem_vs_ours
for n in "$N" $((N * 10)); do
  tree=$WORK/tree-$n
  [ -d "$tree" ] || go run ./internal/gentree -kustomize -n "$n" -out "$tree" >/dev/null
  read -r ours_s ours_kb < <(measure "$WORK/sidecar-migrate" diff "$tree")
  rows=("sidecar-migrate diff|$ours_s|$ours_kb")
  if [ "$n" = "$N" ]; then
    read -r yq_s yq_kb < <(measure sh -c "find '$tree' -name '*.yaml' -print0 | xargs -0 -n 500 '$YQ' eval '.'")
    read -r kz_s kz_kb < <(measure "$KUSTOMIZE" cfg cat "$tree")
    read -r cat_s cat_kb < <(measure sh -c "find '$tree' -name '*.yaml' -print0 | xargs -0 cat")
    rows+=("yq eval '.'|$yq_s|$yq_kb" "kustomize cfg cat|$kz_s|$kz_kb" "cat (I/O floor)|$cat_s|$cat_kb")
    base_s=$ours_s base_kb=$ours_kb
  else
    rows+=("(10×N vs N: sidecar-migrate)|$ours_s|$ours_kb")
  fi
  for row in "${rows[@]}"; do
    IFS='|' read -r tool s kb <<<"$row"
    if [[ $tool == "(10×N"* ]]; then os=$base_s okb=$base_kb; else os=$ours_s okb=$ours_kb; fi
    awk -v n="$n" -v t="$tool" -v s="$s" -v kb="$kb" -v os="$os" -v okb="$okb" \
      'BEGIN { printf "%-8d %-30s %10.2f %12.1f %13.2fx %11.2fx\n", n, t, s, kb/1024, s/os, kb/okb }'
  done
done
echo "tree and binaries in $WORK"
