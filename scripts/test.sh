#!/usr/bin/env bash
# Run the whole test suite on a fresh Debian 12 machine, as root, from
# anywhere: install dependencies, build, type-check and lint, make sure Docker
# runs, build the test image, run vitest (extra arguments go to vitest), and
# always clean up afterwards.
# Exits with the first failing step's exit code, or vitest's.
#
# CHAINMAIL_TEST_KEEP_IMAGE=1 keeps the test image even if this run built it.
# CHAINMAIL_TEST_SKIP_CHECKS=1 skips the type check and lint (for a quick run
# of a few test files; CI runs them).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ $EUID -ne 0 ]]; then
  echo "scripts/test.sh must run as root: the tests create network namespaces," >&2
  echo "veth pairs and Docker containers. Run: sudo ./scripts/test.sh" >&2
  exit 1
fi

image=chainmail-test:busybox
export CHAINMAIL_TEST_STATE_DIR=${CHAINMAIL_TEST_STATE_DIR:-/tmp/chainmail-test-state}
state_dir=$CHAINMAIL_TEST_STATE_DIR
prefix=cmt-   # every test resource (container, netns, interface, tmux session) is named so

mkdir -p "$state_dir"
# The cleanup below deletes everything named cmt-*, which would break a
# concurrent run; one run at a time.
exec 9>"$state_dir/test.lock"
if ! flock -n 9; then
  echo "scripts/test.sh: another test run holds $state_dir/test.lock" >&2
  exit 1
fi

# Ownership records left by earlier invocations (a dockerd or image kept for
# development, or a crashed run) are not this run's: forget them, so that
# cleanup only undoes what this run's steps start or build.
rm -f "$state_dir/dockerd.pid" "$state_dir/image-built"

docker_answers() {
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

remove_test_resources() {
  local id names labels netns link session
  if command -v docker >/dev/null && docker_answers; then
    local -a ids=()
    # Containers named cmt-*, or with a label key starting with cmt-.
    while IFS='|' read -r id names labels; do
      if [[ $names == "$prefix"* || ",$labels" == *",$prefix"* ]]; then
        ids+=("$id")
      fi
    done < <(docker ps -a --format '{{.ID}}|{{.Names}}|{{.Labels}}')
    # Containers of an image this run built are this run's as well.
    if [[ -f $state_dir/image-built ]]; then
      while read -r id; do ids+=("$id"); done < <(docker ps -aq --filter "ancestor=$image")
    fi
    if ((${#ids[@]} > 0)); then
      mapfile -t ids < <(printf '%s\n' "${ids[@]}" | sort -u)
      echo "cleanup: removing containers ${ids[*]}"
      docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
    fi
  fi

  while read -r netns _; do
    if [[ $netns == "$prefix"* ]]; then
      echo "cleanup: deleting netns $netns"
      ip netns del "$netns" 2>/dev/null || true
    fi
  done < <(ip netns list 2>/dev/null)

  # `ip -o link` prints "IDX: NAME@PEER: ..."; deleting one veth end also
  # deletes its peer, so a later failure for the peer is expected.
  while read -r link; do
    echo "cleanup: deleting interface $link"
    ip link del "$link" 2>/dev/null || true
  # cm<8 hex>a|b: chainmail's temporary names, left only if a run was killed
  done < <(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | grep -E '^cmt|^cm[0-9a-f]{8}[ab]$' || true)

  if command -v tmux >/dev/null; then
    while read -r session; do
      if [[ $session == "$prefix"* ]]; then
        echo "cleanup: killing tmux session $session"
        tmux kill-session -t "=$session" 2>/dev/null || true
      fi
    done < <(tmux list-sessions -F '#{session_name}' 2>/dev/null || true)
  fi
}

# shellcheck disable=SC2317  # reached through the EXIT trap only
stop_our_dockerd() {
  local pid
  [[ -f $state_dir/dockerd.pid ]] || return 0
  pid=$(<"$state_dir/dockerd.pid")
  rm -f "$state_dir/dockerd.pid"
  # Guard against pid reuse: only signal the pid if it is still a dockerd.
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]] || return 0
  echo "cleanup: stopping dockerd (pid $pid) started by this run"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  echo "cleanup: dockerd did not stop within 20s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # reached through the EXIT trap only
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  remove_test_resources
  if [[ -f $state_dir/image-built && ${CHAINMAIL_TEST_KEEP_IMAGE:-} != 1 ]]; then
    echo "cleanup: removing image $image built by this run (CHAINMAIL_TEST_KEEP_IMAGE=1 keeps it)"
    docker image rm "$image" >/dev/null 2>&1 || true
  fi
  rm -f "$state_dir/image-built"
  stop_our_dockerd
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Run a step and print how long it took. Children must not inherit the lock
# (fd 9): a dockerd started here would hold it long after this run.
step() {
  local start=${EPOCHREALTIME/./} end rc=0
  "$@" 9>&- || rc=$?
  end=${EPOCHREALTIME/./}
  printf '== %s: %d ms%s\n' "$*" $(((end - start) / 1000)) "$( ((rc == 0)) || echo " (failed: exit $rc)")"
  return "$rc"
}

step scripts/install-deps.sh
# npm ci builds only when the lockfile changed; the tests run bin/ against dist/
step npm run --silent build
# types (src, test, bench) and lint fail the run before any test starts
if [[ ${CHAINMAIL_TEST_SKIP_CHECKS:-} != 1 ]]; then
  step npm run --silent typecheck
  step npm run --silent lint
fi
step scripts/ensure-docker.sh
step scripts/build-test-image.sh
# Leftovers of an earlier run that crashed would only confuse the tests.
remove_test_resources

export CHAINMAIL_TEST_IMAGE=$image
# Tests that need Docker fail instead of skipping when it is missing.
export CHAINMAIL_REQUIRE_DOCKER=1

rc=0
# --no: never download vitest from the registry; it must come from node_modules.
npx --no -- vitest run "$@" 9>&- || rc=$?
exit "$rc"
