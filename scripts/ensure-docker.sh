#!/usr/bin/env bash
# Make sure a Docker engine answers. If none does, start dockerd detached and
# record its pid in $CHAINMAIL_TEST_STATE_DIR/dockerd.pid, so that test.sh
# stops only a dockerd that was started for it.
set -euo pipefail

state_dir=${CHAINMAIL_TEST_STATE_DIR:-/tmp/chainmail-test-state}
log=${CHAINMAIL_DOCKERD_LOG:-/tmp/chainmail-dockerd.log}
timeout_s=${CHAINMAIL_DOCKERD_TIMEOUT:-60}

server_answers() {
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Poll until the server answers. $1: pid of a dockerd we started (or empty);
# returns 2 early if that process dies, 1 on timeout.
wait_for_server() {
  local pid=$1 deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)); do
    server_answers && return 0
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 2
    fi
    sleep 0.2
  done
  return 1
}

if server_answers; then
  exit 0
fi

# A dockerd that is running but not answering yet (still starting) is not
# ours: wait for it instead of starting a second one.
# (A dockerd that has exited but not been reaped yet, a zombie, does not count.)
if ps -C dockerd -o stat= | grep -qv '^Z'; then
  echo "ensure-docker: a dockerd is running but not answering yet; waiting up to ${timeout_s}s"
  if wait_for_server ""; then
    exit 0
  fi
  echo "ensure-docker: the running dockerd did not answer within ${timeout_s}s" >&2
  exit 1
fi

if [[ $EUID -ne 0 ]]; then
  echo "ensure-docker: no Docker engine answers and starting dockerd needs root" >&2
  exit 1
fi

mkdir -p "$state_dir"

start_dockerd() {
  # Without job control (as in any script) the background job is not a
  # process group leader, so setsid execs dockerd in place and $! is its pid.
  setsid dockerd "$@" >"$log" 2>&1 </dev/null &
  dockerd_pid=$!
  echo "$dockerd_pid" >"$state_dir/dockerd.pid"
}

echo "ensure-docker: starting dockerd (log: $log)"
start_dockerd
rc=0
wait_for_server "$dockerd_pid" || rc=$?

# dockerd refuses to start when it cannot create its iptables chains (say, a
# kernel with neither nf_tables nor legacy ip_tables usable through the
# selected iptables backend). On Debian 12 the default iptables-nft backend
# works, so this is a fallback only: the tests run their containers with
# --net=none, so Docker's own NAT/filter rules are not needed.
if ((rc == 2)) && grep -qi 'iptables' "$log"; then
  echo "ensure-docker: dockerd failed on iptables; retrying with --iptables=false" >&2
  grep -i 'iptables' "$log" | tail -n 3 >&2
  start_dockerd --iptables=false
  rc=0
  wait_for_server "$dockerd_pid" || rc=$?
fi

if ((rc != 0)); then
  if ((rc == 2)); then
    echo "ensure-docker: dockerd exited during startup; last lines of $log:" >&2
  else
    echo "ensure-docker: dockerd did not answer within ${timeout_s}s; last lines of $log:" >&2
    kill "$dockerd_pid" 2>/dev/null || true
  fi
  rm -f "$state_dir/dockerd.pid"
  tail -n 20 "$log" >&2
  exit 1
fi
echo "ensure-docker: dockerd (pid $dockerd_pid) is ready"
