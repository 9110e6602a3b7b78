#!/usr/bin/env bash
# Install what the test suite needs: Debian packages (only if missing) and
# node_modules (only if missing or older than package-lock.json).
# Idempotent: on a provisioned machine it runs neither apt nor npm.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# docker.io: dockerd; iptables: dockerd needs it; busybox-static: the offline
# test image; util-linux: nsenter, flock; findutils: xargs (several locks at
# once); procps: ps, pgrep; openssl: a test CA for the TLS engine test;
# zsh, fish: the completion scripts are syntax-checked with them; tcpdump:
# chainmail capture runs the host's.
packages=(docker.io iptables iputils-ping busybox-static iproute2 procps tmux util-linux findutils openssl zsh fish tcpdump)
commands=(dockerd docker iptables ping busybox ip pgrep tmux nsenter flock xargs openssl zsh fish tcpdump)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ $status != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $EUID -ne 0 ]]; then
    echo "install-deps: missing packages (${missing[*]}); run as root to install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # Recommends (git, apparmor, needrestart, ...) are not needed by dockerd.
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Installed packages are no help if their binaries are not on PATH (a sudo
# secure_path without /usr/sbin, say): fail here, not deep inside a test.
for cmd in "${commands[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "install-deps: '$cmd' not found on PATH ($PATH)" >&2
    exit 1
  fi
done

# npm writes node_modules/.package-lock.json on every install/ci, so it is
# older than package-lock.json exactly when the lock file changed since.
if [[ ! -f node_modules/.package-lock.json ||
      package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "install-deps: npm ci"
  # npm ci writes .package-lock.json before running "prepare" (the TypeScript
  # build); if that fails, drop it so the next run does not skip npm ci.
  if ! npm ci; then
    rm -f node_modules/.package-lock.json
    exit 1
  fi
fi
