#!/usr/bin/env bash
# bench-memory.sh: wall and CPU time (best of 3) and peak memory (RSS, from /usr/bin/time) of
# sidecar-migrate on the inputs that stress one file: a List of 20,000 changed pods (diff and
# apply -), ResourceLists of 1.6 MB and of 40,000 items (fn), a 100 MB file of 322,000 changed
# documents, a 100 MB install manifest, and a generated tree of N files. Prints the budget of
# each, 10x the input plus 64 MB, and whether the peak is within it.
#
#   scripts/bench-memory.sh [N]        (default N=10000; SKIP_HUGE=1 leaves out the 100 MB file
#                                       and the 40,000 items, a minute each; BIN=path measures
#                                       that binary instead of one built from here, to compare)
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
WORK=${BENCH_DIR:-$(mktemp -d)}
if [ ! -x /usr/bin/time ]; then
  echo "bench-memory: /usr/bin/time is missing (Debian: apt-get install time)" >&2
  exit 2
fi
bin=${BIN:-}
if [ -z "$bin" ]; then
  CGO_ENABLED=0 go build -trimpath -o "$WORK/sidecar-migrate" ./cmd/sidecar-migrate
  bin=$WORK/sidecar-migrate
fi

# pods N INDENT: N pods with an app and an Istio proxy, as list items (INDENT "- ") or as
# documents (INDENT "").
pods() {
  awk -v n="$1" -v item="$2" 'BEGIN {
    p = (item == "") ? "" : "  "
    for (i = 0; i < n; i++) {
      if (item == "" && i > 0) print "---"
      printf "%sapiVersion: v1\n%skind: Pod\n%smetadata:\n%s  name: pod-%d\n", item, p, p, p, i
      printf "%s  labels:\n%s    app.kubernetes.io/name: shop-frontend\n", p, p
      printf "%sspec:\n%s  containers:\n%s  - name: app\n%s    image: registry.example.com/app:%d\n", p, p, p, p, i % 7
      printf "%s    ports:\n%s    - containerPort: 8080\n", p, p
      printf "%s  - name: istio-proxy\n%s    image: docker.io/istio/proxyv2:1.22.0\n", p, p
    }
  }'
}
[ -f "$WORK/list.yaml" ] || { printf 'apiVersion: v1\nkind: List\nitems:\n'; pods 20000 "- "; } >"$WORK/list.yaml"
[ -f "$WORK/rl-small.yaml" ] || { printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n'; pods 5200 "- "; } >"$WORK/rl-small.yaml"
[ -f "$WORK/rl-40k.yaml" ] || { printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n'; pods 40000 "- "; } >"$WORK/rl-40k.yaml"
[ -f "$WORK/docs.yaml" ] || pods 322000 "" >"$WORK/docs.yaml"
[ -f "$WORK/install.yaml" ] || go run ./internal/gentree -install -size $((100 << 20)) -out "$WORK/install.yaml" >/dev/null
[ -d "$WORK/tree" ] || go run ./internal/gentree -kustomize -n "$N" -out "$WORK/tree" >/dev/null

# measure INPUT_BYTES RUNS COMMAND: best wall time and best CPU time (user and system: on a
# loaded machine the steadier of the two) of RUNS runs, and the largest peak RSS.
measure() {
  local bytes=$1 runs=$2 best="" cpu="" peak=0
  shift 2
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" sh -c "$*" >/dev/null 2>&1 || true
    read -r s user sys kb <"$WORK/time.txt"
    c=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
    if [ -z "$cpu" ] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$c; fi
    [ "$kb" -gt "$peak" ] && peak=$kb
  done
  local budget=$(( (10 * bytes + (64 << 20)) >> 10 ))
  local ok=yes
  [ "$peak" -le "$budget" ] || ok=NO
  printf '%8s %8s %10d %10d %6s\n' "$best" "$cpu" $((peak >> 10)) $((budget >> 10)) "$ok"
}

size() { du -sb "$1" | cut -f1; }
printf '%-34s %9s %8s %8s %10s %10s %6s\n' case input_MB seconds cpu_s peak_MB budget_MB within
row() { # LABEL INPUT RUNS COMMAND
  local label=$1 input=$2 runs=$3
  shift 3
  printf '%-34s %9d ' "$label" $(( $(size "$input") >> 20 ))
  measure "$(size "$input")" "$runs" "$@"
}
row "diff List of 20,000 pods" "$WORK/list.yaml" 3 "$bin diff $WORK/list.yaml"
row "apply - List of 20,000 pods" "$WORK/list.yaml" 3 "$bin apply - <$WORK/list.yaml"
row "fn ResourceList 5,200 items" "$WORK/rl-small.yaml" 3 "$bin fn <$WORK/rl-small.yaml"
row "diff install manifest 100 MB" "$WORK/install.yaml" 1 "$bin diff $WORK/install.yaml"
row "diff tree of $N files" "$WORK/tree" 1 "$bin diff $WORK/tree"
if [ -z "${SKIP_HUGE:-}" ]; then
  row "fn ResourceList 40,000 items" "$WORK/rl-40k.yaml" 1 "$bin fn <$WORK/rl-40k.yaml"
  row "diff 322,000 changed documents" "$WORK/docs.yaml" 1 "$bin diff $WORK/docs.yaml"
fi
