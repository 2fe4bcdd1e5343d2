#!/usr/bin/env bash
# connector-bench.sh: granary bench's workloads through the Hadoop connector (what Spark, MapReduce
# and DistCp get: org.apache.hadoop.fs.FileSystem on granary://, from hadoop-granary.jar beside
# Hadoop 3.4's shaded client jars) against the native client (granary bench), back to back on one
# cluster of bin/granary processes (1 master, 3 chunkservers, replication 3, 64 MiB chunks, tls).
#
#   bench/connector-bench.sh                    # 3 rounds of: native, connector; 1 GiB seq
#   bench/connector-bench.sh --rounds 1 --size 256MiB --workloads seq
#
# Options (or environment variables):
#   --rounds N     (ROUNDS, default 3)    alternations native/connector; medians are over rounds
#   --size S       (SIZE, default 1GiB)     seq_write / seq_read_warm file size
#   --workloads L  (WORKLOADS, default seq,small,meta)
#   --security S   (SECURITY, default tls)
#   KEEP_DATA=1    keep the cluster's data dir and logs (removed by default)
# Needs `mvn package` done (cli/target/granary.jar, hadoop-granary/target/hadoop-granary.jar and
# its test classes); fetches Hadoop 3.4's client jars into hadoop-granary/target/hadoop-3.4 if
# they are missing. Output: every run's JSON lines ("system" granary or granary-hadoop) on stdout
# and under bench/out/connector-<stamp>/, then one summary line per workload with the medians of
# both and the connector's share of the native figure.
set -euo pipefail
die() { echo "connector-bench: $*" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd -P)
ROUNDS=${ROUNDS:-3}
SIZE=${SIZE:-1GiB}
WORKLOADS=${WORKLOADS:-seq,small,meta}
SECURITY=${SECURITY:-tls}
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=${2:?--rounds needs a value}; shift 2 ;;
    --size) SIZE=${2:?--size needs a value}; shift 2 ;;
    --workloads) WORKLOADS=${2:?--workloads needs a value}; shift 2 ;;
    --security) SECURITY=${2:?--security needs a value}; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive integer, got '$ROUNDS'"

jar="$root/hadoop-granary/target/hadoop-granary.jar"
classes="$root/hadoop-granary/target/test-classes"
hadoop="$root/hadoop-granary/target/hadoop-3.4"
[ -f "$jar" ] && [ -f "$classes/dev/granary/hadoop/bench/ConnectorBench.class" ] \
  || die "build first: mvn -q package -DskipTests (and test-compile for hadoop-granary)"
if ! ls "$hadoop"/hadoop-client-api-*.jar >/dev/null 2>&1; then
  (cd "$root" && mvn -B -q -pl hadoop-granary dependency:copy@hadoop-3.4-client) >&2 \
    || die "cannot fetch Hadoop 3.4's client jars"
fi
# The bench class and the JSON library it prints with; Granary itself only from the shaded jar.
jackson=$(cd "$root" && mvn -B -q -pl hadoop-granary dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout | tr ':' '\n' \
  | grep -E '/jackson-(core|databind|annotations)-' | paste -sd: -)
cp="$jar:$(ls "$hadoop"/*.jar | paste -sd: -):$classes:$jackson"

stamp=$(date +%Y%m%d-%H%M%S)
out="$root/bench/out/connector-$stamp"
mkdir -p "$out"
source "$root/bench/cluster.sh"
cleanup() {
  cluster_stop
  # The replicas of the bench's deleted files wait for the master's garbage collection, which a
  # stopped cluster never runs: the data goes with the cluster.
  [ "${KEEP_DATA:-0}" = 1 ] || rm -rf "$out/data"
}
trap cleanup EXIT
cluster_start "$out/data" "$SECURITY" 3 --replication 3 --chunk-size 64MiB
creds=()
[ "$SECURITY" = tls ] && creds=("--credentials=$out/data/master/admin.credentials")

for ((r = 1; r <= ROUNDS; r++)); do
  echo "== round $r/$ROUNDS: native client (granary bench)" >&2
  "$granary" bench --master "$master" "${auth[@]}" --size "$SIZE" --workloads "$WORKLOADS" \
    | tee -a "$out/native.jsonl"
  echo "== round $r/$ROUNDS: Hadoop connector" >&2
  # The JVM flags bin/granary gives the native bench, so the two differ only in the API.
  java -Xms64m -Xmx2g -XX:MaxDirectMemorySize=1g -XX:+UseG1GC -cp "$cp" dev.granary.hadoop.bench.ConnectorBench "--uri=granary://$master" \
    "${creds[@]}" "--size=$SIZE" "--workloads=$WORKLOADS" 2> "$out/connector-$r.log" \
    | tee -a "$out/connector.jsonl"
done

# Per workload: the median over rounds of each run's median, and the connector's share.
python3 - "$out/native.jsonl" "$out/connector.jsonl" <<'PY' | tee "$out/summary.jsonl"
import json, statistics, sys
def medians(path):
    by = {}
    for line in open(path):
        d = json.loads(line)
        by.setdefault(d["workload"], []).append(d["median"])
    return {w: statistics.median(v) for w, v in by.items()}
native, conn = medians(sys.argv[1]), medians(sys.argv[2])
for w in native:
    if w in conn:
        lower = w == "list_dir"
        share = (native[w] / conn[w]) if lower else (conn[w] / native[w])
        print(json.dumps({"workload": w, "native": native[w], "connector": conn[w],
                          "connectorShare": round(share, 3)}))
PY
echo "results in $out" >&2
