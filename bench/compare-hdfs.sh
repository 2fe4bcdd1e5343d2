#!/usr/bin/env bash
# compare-hdfs.sh: Granary and HDFS on the same machine, the same workloads and the same sizes,
# back to back, as one side-by-side Markdown table.
#
#   bench/compare-hdfs.sh                                   # 1GiB file, 2000 files, 5 runs, TLS
#   bench/compare-hdfs.sh --security tls,none --clients 8   # the report of bench/RESULTS.md
#   bench/compare-hdfs.sh --size 128MiB --files 200 --runs 1 --warmup 0   # a quick check
#   SIZE=256MiB RUNS=3 bench/compare-hdfs.sh                # the same through the environment
#
# Options (or environment variables):
#   --size SIZE   (SIZE,  default 1GiB)  the sequential file; B, KiB, MiB, GiB, KB, MB, GB
#   --files N     (FILES, default 2000)  small 4 KiB files written and read, entries listed
#   --ops N       (OPS,   default 10000) operations per metadata workload
#   --runs N      (RUNS,  default 5)     runs per workload; the table shows medians
#   --clients N   (CLIENTS, default 0)   also the concurrent workloads on N threads, both systems
#   --security L  (SECURITY, default tls) Granary's security, one column each: tls, none or tls,none
#   --warmup N    (WARMUP, default 5000) steady state: before measuring, each Granary cluster
#                 serves a throw-away bench (256 MiB, N files, N operations) and the HDFS peer
#                 takes --warmup-files=N --warmup-ops=N; 0 measures cold JVMs
#   SKIP_BUILD=1  use the jar that is already built
#   SKIP_HDFS=1   only Granary (the HDFS column stays empty)
#   KEEP_DATA=1   keep the cluster's data dirs (removed by default: they hold GiBs)
#   HDFS_ARGS     extra arguments for the HDFS peer (e.g. "--drop-caches=true")
#   PROFILES      HDFS peer profiles (default "default"; the table uses the default profile)
#
# Steps: build Granary (mvn -q -DskipTests package); for each security setting, start 1 master +
# 3 chunkservers of bin/granary on free loopback ports (replication 3, 64 MiB chunks, data under
# bench/out/; with tls the chunkservers join with the master's join token and the bench uses its
# admin.credentials), warm it up, run `granary bench`, stop it; then run ../shared/bench/run-hdfs-peer.sh (HDFS MiniDFSCluster,
# 3 DataNodes, replication 3, 64 MiB blocks) with the same sizes; join both JSON-line outputs on
# (workload, unit). Ratio: Granary/HDFS where higher is better, HDFS/Granary where lower is better,
# so a ratio above 1 always means Granary is faster. Output: bench/out/compare-<stamp>.md (printed
# too), with both raw .jsonl files and every process log beside it.
#
# The HDFS peer's first build downloads ~70 MiB of jars and takes minutes; later runs reuse them.
# Needs only bash, the JDK, Maven and coreutils.
set -euo pipefail

die() { echo "compare-hdfs: $*" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd -P)
peer="$root/../shared/bench/run-hdfs-peer.sh"
SIZE=${SIZE:-1GiB}
FILES=${FILES:-2000}
OPS=${OPS:-10000}
RUNS=${RUNS:-5}
CLIENTS=${CLIENTS:-0}
SECURITY=${SECURITY:-tls}
WARMUP=${WARMUP:-5000}
PROFILES=${PROFILES:-default}
HDFS_ARGS=${HDFS_ARGS:-}

while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE=${2:?--size needs a value}; shift 2 ;;
    --files) FILES=${2:?--files needs a value}; shift 2 ;;
    --ops) OPS=${2:?--ops needs a value}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
    --clients) CLIENTS=${2:?--clients needs a value}; shift 2 ;;
    --security) SECURITY=${2:?--security needs a value}; shift 2 ;;
    --warmup) WARMUP=${2:?--warmup needs a value}; shift 2 ;;
    --clients=*) CLIENTS=${1#*=}; shift ;;
    --security=*) SECURITY=${1#*=}; shift ;;
    --warmup=*) WARMUP=${1#*=}; shift ;;
    --size=*) SIZE=${1#*=}; shift ;;
    --files=*) FILES=${1#*=}; shift ;;
    --ops=*) OPS=${1#*=}; shift ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    -h|--help) sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
for n in FILES OPS RUNS; do
  [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, got '${!n}'"
done
for n in CLIENTS WARMUP; do
  [[ ${!n} =~ ^[0-9]+$ ]] || die "$n must be a whole number, got '${!n}'"
done
IFS=, read -r -a securities <<< "$SECURITY"
for sec in "${securities[@]}"; do
  case "$sec" in tls|none) ;; *) die "--security takes tls, none or tls,none, not '$SECURITY'" ;; esac
done

# SIZE in bytes, for the HDFS peer (which takes plain byte counts).
size_bytes() {
  local s=$1 num unit
  [[ $s =~ ^([0-9]+)([A-Za-z]*)$ ]] || die "SIZE '$s': expected a number and a unit, e.g. 1GiB"
  num=${BASH_REMATCH[1]}; unit=${BASH_REMATCH[2]}
  case "$unit" in
    ""|B) echo "$num" ;;
    KiB) echo $((num << 10)) ;;
    MiB) echo $((num << 20)) ;;
    GiB) echo $((num << 30)) ;;
    KB) echo $((num * 1000)) ;;
    MB) echo $((num * 1000000)) ;;
    GB) echo $((num * 1000000000)) ;;
    *) die "SIZE '$s': unknown unit '$unit' (B, KiB, MiB, GiB, KB, MB, GB)" ;;
  esac
}
SEQ_BYTES=$(size_bytes "$SIZE")
[ "$SEQ_BYTES" -gt 0 ] || die "SIZE must be positive"

out="$root/bench/out"
stamp=$(date -u +%Y%m%d-%H%M%S)
run="$out/run-$stamp"
mkdir -p "$run"
commands=()

# ---------------------------------------------------------------- build
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building granary (mvn -q -DskipTests package)" >&2
  (cd "$root" && mvn -q -DskipTests package) >&2
  commands+=("mvn -q -DskipTests package")
fi

# ---------------------------------------------------------------- cluster
# shellcheck source=bench/cluster.sh
source "$root/bench/cluster.sh"
cleanup() {
  cluster_stop
  if [ "${KEEP_DATA:-0}" != 1 ]; then
    rm -rf "$run/data"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a cluster with security $1, warms it up, runs the bench into $2, stops it.
run_granary() {
  local sec=$1 gjson=$2 dir="$run/$1"
  local -a bcmd wcmd
  cluster_start "$run/data/$sec" "$sec" 3 --replication 3 --chunk-size 64MiB
  mkdir -p "$dir"
  if [ "$WARMUP" -gt 0 ]; then
    # Steady state: the servers' JITs have compiled every path the bench times.
    wcmd=("$granary" bench --size 256MiB --files "$WARMUP" --ops "$WARMUP" --runs 1
      --master "$master" "${auth[@]}")
    echo "== warm-up: ${wcmd[*]}" >&2
    "${wcmd[@]}" > /dev/null 2> "$dir/warmup.err" \
      || { cat "$dir/warmup.err" >&2; die "granary warm-up bench failed"; }
    commands+=("${wcmd[*]} > /dev/null")
  fi
  bcmd=("$granary" bench --size "$SIZE" --files "$FILES" --ops "$OPS" --runs "$RUNS"
    --clients "$CLIENTS" --master "$master" "${auth[@]}")
  echo "== ${bcmd[*]}" >&2
  "${bcmd[@]}" > "$gjson" 2> "$dir/bench.err" \
    || { cat "$dir/bench.err" >&2; die "granary bench failed ($sec)"; }
  commands+=("${bcmd[*]} > $gjson")
  cluster_stop
  # The logs stay beside the results; the data dir is removed at the end.
  cp "$run/data/$sec"/*.log "$dir/" 2>/dev/null || true
}

gjsons=()
for sec in "${securities[@]}"; do
  gjson="$out/granary-$sec-$stamp.jsonl"
  run_granary "$sec" "$gjson"
  gjsons+=("$gjson")
done

# ---------------------------------------------------------------- HDFS peer
hjson="$out/hdfs-$stamp.jsonl"
if [ "${SKIP_HDFS:-0}" != 1 ]; then
  [ -x "$peer" ] || die "$peer not found: the HDFS peer lives in ../shared/bench"
  hargs=(--runs="$RUNS" --seq-bytes="$SEQ_BYTES" --small-count="$FILES" --list-count="$FILES"
    --meta-count="$OPS" --drop-caches=false)
  if [ "$WARMUP" -gt 0 ]; then
    hargs+=(--warmup-files="$WARMUP" --warmup-ops="$WARMUP")
  fi
  if [ "$CLIENTS" -gt 0 ]; then
    hargs+=(--workloads=seq,small,meta,conc --clients="$CLIENTS")
  fi
  # shellcheck disable=SC2206
  hargs+=($HDFS_ARGS)
  echo "== HDFS peer: $peer ${hargs[*]} (first build downloads ~70 MiB)" >&2
  OUT="$out" PROFILES="$PROFILES" "$peer" "${hargs[@]}" > "$hjson"
  commands+=("OUT=$out PROFILES=$PROFILES $peer ${hargs[*]} > $hjson")
else
  : > "$hjson"
fi

# ---------------------------------------------------------------- table
# The JSON lines are flat at the top level; these pull one top-level field out of a line.
field_s() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<< "$2" | head -n 1; }
field_n() { sed -n "s/.*\"$1\":\\([-0-9.eE+]*\\).*/\\1/p" <<< "$2" | head -n 1; }

# "workload|unit|better|median" per result line (profile "default" only for HDFS).
rows() {
  local line w u b m p
  while IFS= read -r line; do
    case "$line" in *'"median"'*) ;; *) continue ;; esac
    p=$(field_s profile "$line")
    [ -z "$p" ] || [ "$p" = default ] || continue
    w=$(field_s workload "$line"); u=$(field_s unit "$line")
    b=$(field_s better "$line"); m=$(field_n median "$line")
    [ -n "$b" ] || { [ "$w" = list_dir ] && b=lower || b=higher; }
    echo "$w|$u|$b|$m"
  done < "$1"
}

report="$out/compare-$stamp.md"
ratio() {
  awk -v g="$1" -v h="$2" -v b="$3" 'BEGIN {
    if (g == "" || h == "" || g + 0 == 0 || h + 0 == 0) { print "—"; exit }
    r = (b == "lower") ? h / g : g / h
    printf "%.2f\n", r }'
}
{
  echo "## Granary vs HDFS ($(date -u +%Y-%m-%d))"
  echo
  echo "Medians of $RUNS run(s); sequential file $SIZE, $FILES small files (4 KiB) and listed entries,"
  echo "$OPS metadata operations; 1 master/NameNode + 3 chunkservers/DataNodes, replication 3,"
  echo "64 MiB chunks/blocks, loopback, one client thread (conc_*: $CLIENTS threads sharing one"
  if [ "$WARMUP" -gt 0 ]; then
    echo "client). Steady state: both systems warmed up with $WARMUP files and operations first."
  else
    echo "client). No warm-up: the first runs include JIT compilation."
  fi
  echo "HDFS runs without security. Ratio > 1: Granary is better."
  echo
  head="| workload | unit | better |"
  rule="| --- | --- | --- |"
  for sec in "${securities[@]}"; do head="$head Granary ($sec) |"; rule="$rule ---: |"; done
  head="$head HDFS |"; rule="$rule ---: |"
  for sec in "${securities[@]}"; do head="$head ratio ($sec) |"; rule="$rule ---: |"; done
  echo "$head"
  echo "$rule"
  hrows=$(rows "$hjson")
  declare -a grows
  for i in "${!gjsons[@]}"; do grows[$i]=$(rows "${gjsons[$i]}"); done
  seen=" "
  while IFS='|' read -r w u b _; do
    [ -n "$w" ] || continue
    seen="$seen$w/$u "
    hm=$(awk -F'|' -v w="$w" -v u="$u" '$1 == w && $2 == u { print $4; exit }' <<< "$hrows")
    line="| $w | $u | $b |"
    ratios=""
    for i in "${!gjsons[@]}"; do
      gm=$(awk -F'|' -v w="$w" -v u="$u" '$1 == w && $2 == u { print $4; exit }' \
        <<< "${grows[$i]}")
      line="$line ${gm:-—} |"
      ratios="$ratios $(ratio "$gm" "$hm" "$b") |"
    done
    echo "$line ${hm:-—} |$ratios"
  done <<< "${grows[0]}"
  # HDFS-only workloads (e.g. cold reads), so nothing measured is hidden.
  while IFS='|' read -r w u b hm; do
    [ -n "$w" ] || continue
    case "$seen" in *" $w/$u "*) continue ;; esac
    line="| $w | $u | $b |"
    ratios=""
    for i in "${!gjsons[@]}"; do line="$line — |"; ratios="$ratios — |"; done
    echo "$line $hm |$ratios"
  done <<< "$hrows"
  echo
  echo "Machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)),"
  echo "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory, Linux $(uname -r),"
  echo "$(java -version 2>&1 | head -n 1). Date: $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "Commands:"
  echo
  echo '```'
  echo "bench/compare-hdfs.sh --size $SIZE --files $FILES --ops $OPS --runs $RUNS --clients $CLIENTS --security $SECURITY --warmup $WARMUP"
  for c in "${commands[@]}"; do
    echo "  ${c//$root\//}"
  done
  echo '```'
  echo
  raw=""
  for g in "${gjsons[@]}"; do raw="$raw bench/out/$(basename "$g"),"; done
  echo "Raw results:$raw bench/out/$(basename "$hjson")."
} > "$report"
cat "$report"
echo "compare-hdfs: table in $report" >&2
