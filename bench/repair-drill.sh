#!/usr/bin/env bash
# repair-drill.sh: time-to-redundancy after a chunkserver is killed with kill -9, measured as an
# operator would see it: from the moment `granary cluster --json` shows the node DEAD until it
# shows no chunk under-replicated or missing and no copy in flight.
#
#   bench/repair-drill.sh                       # both scenarios, with and without a reader, 3 runs
#   bench/repair-drill.sh --runs 1 --scenarios small
#   bench/repair-drill.sh --help
#
# Options (or environment variables):
#   --runs N          (RUNS, default 3)  drills per case; the JSON lines give min/median/max
#   --scenarios L     (SCENARIOS, default large,small)
#                     large: 1 GiB in 64 MiB chunks (48 replicas; the killed node held ~12)
#                     small: 512 MiB in 1 MiB chunks (1,536 replicas; the killed node held ~384)
#   --reader L        (READER, default off,on) on: a client reads the file in a loop
#                     (`granary cat > /dev/null`) while the repair runs, and the drill reports its
#                     speed against the same read before the kill
#   --security S      (SECURITY, default tls) tls or none
#   KEEP_DATA=1       keep the clusters' data dirs and logs (removed by default)
#   DRILL_MIB=N       write N MiB instead of the scenario's size (a quick check of the script)
#
# Each drill starts a fresh cluster of bin/granary processes on loopback (1 master, 4
# chunkservers, replication 3, pulse 1 s, deadAfter 5 s), writes the file, kills chunkserver 0
# (round-robin placement gives it a quarter of the replicas), and polls `granary cluster --json`
# until the cluster is back at goal. The figures ("values") are the master's own clock, exported as
# granary_repair_last_seconds on its /metrics (from DEAD until no chunk waits for a copy and none
# is in flight, to the millisecond); "polledSeconds" is what the CLI polling saw (each poll is one
# CLI process, ~0.5-0.9 s, so it starts late by up to a poll). Output: one JSON line per case on
# stdout, {"system":"granary","workload":"repair_<scenario>[_reader]","unit":"s","runs","min",
# "median","max","values","polledSeconds","replicasLost":[...],"replicasPerSecond",
# "mibPerSecond", and with a reader "readMiBps":[before, during] per run}; progress on stderr;
# everything also under bench/out/repair-<stamp>/.
set -euo pipefail

die() { echo "repair-drill: $*" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd -P)
RUNS=${RUNS:-3}
SCENARIOS=${SCENARIOS:-large,small}
READER=${READER:-off,on}
SECURITY=${SECURITY:-tls}

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=${2:?--runs needs a value}; shift 2 ;;
    --scenarios) SCENARIOS=${2:?--scenarios needs a value}; shift 2 ;;
    --reader) READER=${2:?--reader needs a value}; shift 2 ;;
    --security) SECURITY=${2:?--security needs a value}; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --scenarios=*) SCENARIOS=${1#*=}; shift ;;
    --reader=*) READER=${1#*=}; shift ;;
    --security=*) SECURITY=${1#*=}; shift ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, got '$RUNS'"
case "$SECURITY" in tls|none) ;; *) die "--security takes tls or none, not '$SECURITY'" ;; esac
IFS=, read -r -a scenarios <<< "$SCENARIOS"
IFS=, read -r -a readers <<< "$READER"
for s in "${scenarios[@]}"; do
  case "$s" in large|small) ;; *) die "unknown scenario '$s' (large, small)" ;; esac
done
for r in "${readers[@]}"; do
  case "$r" in on|off) ;; *) die "--reader takes off, on or off,on, not '$READER'" ;; esac
done
[ -x "$root/bin/granary" ] && ls "$root"/cli/target/granary*.jar > /dev/null 2>&1 \
  || die "build first: mvn -q -DskipTests package"

out="$root/bench/out/repair-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out"
commands=()
# shellcheck source=bench/cluster.sh
source "$root/bench/cluster.sh"
reader_pid=""
dir="$out"
cleanup() {
  [ -z "$reader_pid" ] || { kill "$reader_pid" 2>/dev/null; wait "$reader_pid" 2>/dev/null; } || true
  cluster_stop
  if [ "${KEEP_DATA:-0}" != 1 ]; then
    rm -rf "$out"/drill-*/master "$out"/drill-*/chunkserver-* "$out"/payload-*
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
cluster_json() { "$granary" cluster --json --master "$master" "${auth[@]}" 2>/dev/null || true; }
# A top-level number of a cluster --json answer ("" if absent).
top_n() { sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p" <<< "$2" | tail -n 1; }
# The state and the chunk count of the chunkserver at 127.0.0.1:$1 in a cluster --json answer.
node_field() {
  grep -o "\"address\":\"127.0.0.1:$1\",\"state\":\"[A-Z_]*\"[^}]*" <<< "$2" \
    | sed -n "s/.*\"$3\":\"\\{0,1\\}\\([A-Z_0-9]*\\).*/\\1/p" | head -n 1
}

# granary_repair_last_seconds from the master's /metrics (HTTPS verified against the cluster's
# authority under the master's node id with tls), or nothing while no repair has finished.
repair_last_seconds() {
  local mid v
  if [ "$SECURITY" = tls ]; then
    mid=$(grep -o '"masterId":"[^"]*"' <<< "$2" | head -n 1 | cut -d'"' -f4)
    v=$(curl -sf --max-time 5 --cacert "$1/master/tls/ca.crt" \
      --connect-to "$mid:$http_port:127.0.0.1:$http_port" "https://$mid:$http_port/metrics")
  else
    v=$(curl -sf --max-time 5 "http://127.0.0.1:$http_port/metrics")
  fi
  awk '$1 == "granary_repair_last_seconds" && $2 != "NaN" { printf "%.2f", $2 }' <<< "$v"
}

# Reads /drill/data ($1 MiB) with `granary cat` once; prints MiB/s, or nothing if it failed.
read_once() {
  local t0 t1
  t0=$(now)
  "$granary" cat /drill/data --master "$master" "${auth[@]}" > /dev/null 2>> "$dir/reader.err" &
  reader_child=$!
  if wait "$reader_child"; then
    t1=$(now)
    awk -v m="$1" -v a="$t0" -v c="$t1" 'BEGIN { printf "%.0f\n", m / (c - a) }'
  fi
}

# Reads the file over and over, one MiB/s figure a line into $2, until sent TERM.
reader_loop() {
  reader_child=""
  trap '[ -z "$reader_child" ] || kill "$reader_child" 2>/dev/null; exit 0' TERM
  while :; do
    read_once "$1" >> "$2"
  done
}

# One drill: scenario $1, reader $2, run $3. Sets result="ttr replicasLost [before during]".
drill() {
  local scenario=$1 reader=$2 n=$3 chunk size payload victim_port lost t_kill t_dead t_done
  local json state under missing copies deadline before="" during="" reads_file
  case "$scenario" in
    large) chunk=64MiB; size=1024 ;;
    small) chunk=1MiB; size=512 ;;
  esac
  size=${DRILL_MIB:-$size}
  payload="$out/payload-$size"
  [ -s "$payload" ] || head -c $((size << 20)) /dev/urandom > "$payload"
  dir="$out/drill-$scenario-$reader-$n"
  mkdir -p "$dir"
  http_port=$(free_port)
  MASTER_HTTP_PORT=$http_port cluster_start "$dir" "$SECURITY" 4 --replication 3 \
    --chunk-size "$chunk" --pulse-interval 1s --dead-after 5s
  echo "== $scenario/$reader #$n: writing $size MiB in $chunk chunks" >&2
  "$granary" put "$payload" /drill/data --master "$master" "${auth[@]}" >&2
  victim_port=${node_ports[0]}
  # Every replica reported before the kill, so the count of what is lost is exact.
  deadline=$((SECONDS + 60))
  while :; do
    json=$(cluster_json)
    [ "$(top_n underReplicated "$json")" = 0 ] && [ "$(top_n missing "$json")" = 0 ] && break
    [ $SECONDS -lt $deadline ] || die "the file never reached its goal before the kill"
    sleep 0.2
  done
  lost=$(node_field "$victim_port" "$json" chunks)
  if [ "$reader" = on ]; then
    before=$(read_once "$size")
    [ -n "$before" ] || die "reading the file before the kill failed: $(tail -n 1 "$dir/reader.err")"
    reads_file="$dir/reads"
    : > "$reads_file"
    reader_loop "$size" "$reads_file" &
    reader_pid=$!
  fi
  echo "== killing chunkserver 0 (127.0.0.1:$victim_port, $lost replicas) with kill -9" >&2
  t_kill=$(now)
  kill -9 "${node_pids[0]}"
  wait "${node_pids[0]}" 2>/dev/null || true
  deadline=$((SECONDS + 120))
  while :; do
    json=$(cluster_json)
    state=$(node_field "$victim_port" "$json" state)
    [ "$state" = DEAD ] && break
    [ $SECONDS -lt $deadline ] || die "the killed node was not DEAD after 120 s"
  done
  t_dead=$(now)
  echo "== DEAD after $(elapsed "$t_kill" "$t_dead") s; waiting for every chunk at its goal" >&2
  deadline=$((SECONDS + 3600))
  while :; do
    json=$(cluster_json)
    under=$(top_n underReplicated "$json")
    missing=$(top_n missing "$json")
    copies=$(top_n replicationsInFlight "$json")
    [ "$under" = 0 ] && [ "$missing" = 0 ] && [ "$copies" = 0 ] && break
    [ $SECONDS -lt $deadline ] || die "not back at goal within an hour"
  done
  t_done=$(now)
  # The master's own figure, to the millisecond: granary_repair_last_seconds on /metrics.
  master_ttr=""
  deadline=$((SECONDS + 30))
  while [ -z "$master_ttr" ] && [ $SECONDS -lt $deadline ]; do
    master_ttr=$(repair_last_seconds "$dir" "$json")
  done
  [ -n "$master_ttr" ] || die "the master's /metrics never showed the repair's time"
  if [ -n "$reader_pid" ]; then
    kill "$reader_pid" 2>/dev/null || true
    wait "$reader_pid" 2>/dev/null || true
    reader_pid=""
    # The median of the reads that completed between the kill and the end of the repair.
    during=$(grep -E '^[0-9]+$' "$reads_file" | sort -n | awk '{ a[NR] = $1 } END {
      if (NR == 0) { print "" } else if (NR % 2) { print a[(NR + 1) / 2] }
      else { printf "%.0f", (a[NR / 2] + a[NR / 2 + 1]) / 2 } }')
  fi
  cluster_stop
  result="$master_ttr $(elapsed "$t_dead" "$t_done") $lost $before $during"
}

for scenario in "${scenarios[@]}"; do
  for reader in "${readers[@]}"; do
    ttrs=(); clis=(); losts=(); reads=()
    for ((n = 1; n <= RUNS; n++)); do
      drill "$scenario" "$reader" "$n"
      read -r ttr cli lost before during <<< "$result"
      echo "== $scenario/$reader #$n: back at goal $ttr s after DEAD by the master's clock," \
        "$cli s as polled ($lost replicas)" \
        "${before:+; read $before MiB/s before, ${during:-none completed} during}" >&2
      ttrs+=("$ttr"); clis+=("$cli"); losts+=("$lost"); reads+=("[${before:-null},${during:-null}]")
    done
    workload="repair_$scenario"
    [ "$reader" = off ] || workload="${workload}_reader"
    chunk_mib=64; [ "$scenario" = large ] || chunk_mib=1
    printf '%s\n' "${ttrs[@]}" | sort -n | awk -v w="$workload" -v sec="$SECURITY" \
      -v lost="$(IFS=,; echo "${losts[*]}")" -v reads="$(IFS=,; echo "${reads[*]}")" \
      -v rd="$reader" -v cm="$chunk_mib" -v vals="$(IFS=,; echo "${ttrs[*]}")" \
      -v clis="$(IFS=,; echo "${clis[*]}")" '
      { v[NR] = $1 }
      END {
        med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        split(lost, l, ","); nl = 0; for (i in l) { s += l[i]; nl++ }
        avg = s / nl
        printf "{\"system\":\"granary\",\"workload\":\"%s\",\"unit\":\"s\",\"better\":\"lower\",", w
        printf "\"runs\":%d,\"min\":%s,\"median\":%s,\"max\":%s,\"values\":[%s],", NR, v[1], med, v[NR], vals
        printf "\"polledSeconds\":[%s],", clis
        printf "\"replicasLost\":[%s],\"replicasPerSecond\":%.1f,\"mibPerSecond\":%.1f", lost, \
          avg / med, avg * cm / med
        if (rd == "on") printf ",\"readMiBps\":[%s]", reads
        printf ",\"params\":{\"security\":\"%s\",\"chunkserversKilled\":1,\"chunkservers\":4}}\n", sec
      }' | tee -a "$out/results.jsonl"
  done
done
{
  echo "Machine: $(nproc) cores, Linux $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
  printf '%s\n' "${commands[@]}"
} > "$out/commands.txt"
