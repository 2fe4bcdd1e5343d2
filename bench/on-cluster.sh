#!/usr/bin/env bash
# on-cluster.sh: `granary bench` on a fresh loopback cluster of bin/granary processes (1 master, 3
# chunkservers, replication 3, 64 MiB chunks), stopped and removed afterwards. For workloads the
# HDFS comparison does not run (delta, snapshot) and for A/B runs of two builds.
#
#   bench/on-cluster.sh --workloads delta,snapshot              # issue 19's figures (~3 min)
#   bench/on-cluster.sh --workloads delta --size 256MiB --runs 1
#   BUILD=/path/to/other/checkout bench/on-cluster.sh --workloads seq   # another build's jars
#   bench/on-cluster.sh --workloads seq --data text --compress zstd --encrypt   # issue 20's options
#
# Every argument goes to `granary bench` as it is (--compress, --encrypt and --data included; with
# --encrypt and no --key-file the bench makes a temporary key for its client). Environment:
#   SECURITY   tls (default) or none
#   BUILD      the checkout whose bin/granary and cli/target/granary.jar run the cluster and the
#              bench (default: this one); built beforehand with `mvn -q -DskipTests package`
#   KEEP_DATA=1  keep the cluster's data dir and logs
# Output: the bench's JSON lines on stdout, also in bench/out/on-cluster-<stamp>/bench.jsonl with
# the processes' logs; progress on stderr.
set -euo pipefail

die() { echo "on-cluster: $*" >&2; exit 2; }

here=$(cd "$(dirname "$0")/.." && pwd -P)
SECURITY=${SECURITY:-tls}
case "$SECURITY" in tls|none) ;; *) die "SECURITY takes tls or none, not '$SECURITY'" ;; esac
root=$(cd "${BUILD:-$here}" && pwd -P)
[ -f "$root/cli/target/granary.jar" ] || die "$root/cli/target/granary.jar not found: build it"
stamp=$(date -u +%Y%m%dT%H%M%SZ)-$$
out="$here/bench/out/on-cluster-$stamp"
mkdir -p "$out"
commands=()
# shellcheck source=cluster.sh
source "$here/bench/cluster.sh"
cleanup() {
  cluster_stop
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$out/data"
}
trap cleanup EXIT

cluster_start "$out/data" "$SECURITY" 3
echo "== $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "$root"): granary bench $*" >&2
"$granary" bench --master "$master" "${auth[@]}" "$@" | tee "$out/bench.jsonl"
