#!/usr/bin/env bash
# Build the offline test image chainmail-test:busybox from the host's static
# busybox with `docker import` (no registry is needed or reachable).
# Skipped when the image exists and was built from this script and this
# busybox binary (hash kept in the image label chainmail.test.hash).
set -euo pipefail

image=chainmail-test:busybox
busybox=/bin/busybox
state_dir=${CHAINMAIL_TEST_STATE_DIR:-/tmp/chainmail-test-state}
script_path=$(readlink -f "${BASH_SOURCE[0]}")

# Applets the tests rely on; all other applets are linked too.
required_applets=(sh ip ping wget httpd nc sleep cat echo ls ps kill ifconfig route hostname mkdir)

if [[ ! -x $busybox ]]; then
  echo "build-test-image: $busybox missing (apt-get install busybox-static)" >&2
  exit 1
fi

hash=$(cat "$script_path" "$busybox" | sha256sum | cut -c1-16)
current=$(docker image inspect -f '{{index .Config.Labels "chainmail.test.hash"}}' "$image" 2>/dev/null || true)
if [[ $current == "$hash" ]]; then
  exit 0
fi
old_id=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)

applets=$("$busybox" --list)
for applet in "${required_applets[@]}"; do
  if ! grep -qx -- "$applet" <<<"$applets"; then
    echo "build-test-image: $busybox has no '$applet' applet" >&2
    exit 1
  fi
done

rootfs=$(mktemp -d /tmp/chainmail-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT

mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,root,tmp,usr,var/run,www}
# Let /sbin/ip, /usr/bin/wget etc. work as well as the bare names.
ln -s bin "$rootfs/sbin"
ln -s ../bin "$rootfs/usr/bin"
ln -s ../bin "$rootfs/usr/sbin"
chmod 1777 "$rootfs/tmp"
cp "$busybox" "$rootfs/bin/busybox"
while IFS= read -r applet; do
  [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
done <<<"$applets"

echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
echo 'root:x:0:' >"$rootfs/etc/group"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$rootfs/etc/hosts"
echo 'cmt-image' >"$rootfs/etc/hostname"
cat >"$rootfs/www/index.html" <<'HTML'
<!DOCTYPE html>
<html>
<head><title>chainmail test page</title></head>
<body><h1>chainmail test page</h1><p>Served by busybox httpd in chainmail-test:busybox.</p></body>
</html>
HTML

echo "build-test-image: building $image (hash $hash)"
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -c . |
  docker import \
    --change "LABEL chainmail.test.hash=$hash" \
    --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' \
    --change 'CMD ["sleep", "2000000"]' \
    - "$image" >/dev/null

mkdir -p "$state_dir"
echo "$image" >"$state_dir/image-built"

# The image has no libc: a dynamically linked busybox would fail only here.
if ! out=$(docker run --rm --net=none "$image" sh -c 'echo ok' 2>&1) || [[ $out != ok ]]; then
  echo "build-test-image: the new image does not run ($out); is $busybox static?" >&2
  docker image rm "$image" >/dev/null 2>&1 || true
  rm -f "$state_dir/image-built"
  exit 1
fi

# The previous build is now untagged; drop it unless a container still uses it.
if [[ -n $old_id ]]; then
  docker image rm "$old_id" >/dev/null 2>&1 || true
fi
