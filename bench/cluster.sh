# cluster.sh: start and stop a loopback Granary cluster of bin/granary processes, for the bench
# scripts (sourced, not run). Needs bash, coreutils and the built jar.
#
#   source bench/cluster.sh
#   cluster_start DIR SECURITY NODES [master flags...]   # waits until NODES chunkservers are LIVE
#   "$granary" ls / --master "$master" "${auth[@]}"
#   kill -9 "${node_pids[0]}"                            # chunkserver i: node_pids[i], node_ports[i]
#   cluster_stop                                         # TERM to every process, waits for them
#
# Data and logs go under DIR (master/, chunkserver-I/, *.log). With SECURITY tls the chunkservers
# join with the master's join token and $auth holds --credentials for its admin.credentials.
# The caller defines die() (one line to stderr, exit 2) before sourcing.

root=${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)}
granary="$root/bin/granary"
pids=()
node_pids=()
node_ports=()
auth=()
master=""

# A port nobody listens on now (and not handed out to an earlier process of ours).
used_ports=" "
free_port() {
  local p tries=0
  while [ $tries -lt 200 ]; do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    tries=$((tries + 1))
    case "$used_ports" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports="$used_ports$p "
      echo "$p"
      return 0
    fi
  done
  die "no free port found"
}

cluster_stop() {
  local p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  pids=()
  node_pids=()
  node_ports=()
}

# How many chunkservers the master reports LIVE (0 if it does not answer).
cluster_live() {
  "$granary" cluster --json --master "$master" "${auth[@]}" 2>/dev/null \
    | grep -o '"state":"LIVE"' | wc -l || true
}

cluster_start() {
  local dir=$1 sec=$2 nodes=$3 master_port port i deadline p live
  shift 3
  local -a mcmd ccmd
  mkdir -p "$dir"
  master_port=$(free_port)
  master="127.0.0.1:$master_port"
  mcmd=("$granary" master --host 127.0.0.1 --port "$master_port" --data-dir "$dir/master"
    --security "$sec" --http-port "${MASTER_HTTP_PORT:-0}" "$@")
  "${mcmd[@]}" > "$dir/master.log" 2>&1 &
  pids+=($!)
  commands+=("${mcmd[*]}")
  auth=()
  if [ "$sec" = tls ]; then
    # The master's first start writes the join token and the superuser's credentials.
    deadline=$((SECONDS + 60))
    until [ -s "$dir/master/join-token" ] && [ -s "$dir/master/admin.credentials" ]; do
      [ $SECONDS -lt $deadline ] || { tail -n 20 "$dir/master.log" >&2; die "no join token in 60 s"; }
      sleep 0.2
    done
    auth=(--credentials "$dir/master/admin.credentials")
  fi
  for ((i = 0; i < nodes; i++)); do
    port=$(free_port)
    ccmd=("$granary" chunkserver --host 127.0.0.1 --port "$port" --master "$master"
      --data-dir "$dir/chunkserver-$i")
    if [ "$sec" = tls ]; then
      GRANARY_JOIN_TOKEN=$(cat "$dir/master/join-token") "${ccmd[@]}" \
        > "$dir/chunkserver-$i.log" 2>&1 &
    else
      "${ccmd[@]}" > "$dir/chunkserver-$i.log" 2>&1 &
    fi
    pids+=($!)
    node_pids+=($!)
    node_ports+=("$port")
    commands+=("${ccmd[*]}")
  done

  echo "== waiting for $nodes live chunkservers at $master ($sec)" >&2
  deadline=$((SECONDS + 90))
  while :; do
    live=$(cluster_live)
    [ "${live:-0}" -ge "$nodes" ] && break
    for p in "${pids[@]}"; do
      kill -0 "$p" 2>/dev/null || { tail -n 20 "$dir"/*.log >&2; die "a server exited early"; }
    done
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$dir"/*.log >&2; die "cluster not live in 90 s"; }
    sleep 0.5
  done
}
