#!/bin/sh
# chainmail's fan-out helper (src/sys/fan-out.ts): runs one command in many network
# namespaces, one after the other, from a single process.
#
#   sh fan-out.sh MARK MODE COMMAND [ARG...]
#
# Standard input holds the items, one a line: INDEX<TAB>INPUT<TAB>NSPATH<TAB>NAME. For each,
# COMMAND runs in the namespace with INPUT (a file) as its standard input: with MODE `ip`
# (COMMAND is ip's arguments) as `ip -n NAME ...` where the namespace has an ip netns NAME,
# else `nsenter --net=NSPATH -- ip ...`; with MODE `any` as `nsenter --net=NSPATH -- COMMAND`.
# Then a line "MARK INDEX STATUS", after a newline of its own, is written to
# both standard output and standard error, so that the caller can tell whose output
# is whose. Nothing here evaluates its arguments or the items: they are only passed
# on as words.
mark=$1
mode=$2
shift 2
# a literal tab: $(printf '\t') would cost a subshell
tab='	'
while IFS=$tab read -r index input nspath name; do
  if [ "$mode" = ip ] && [ -n "$name" ]; then
    ip -n "$name" "$@" <"$input"
  elif [ "$mode" = ip ]; then
    nsenter --net="$nspath" -- ip "$@" <"$input"
  else
    nsenter --net="$nspath" -- "$@" <"$input"
  fi
  status=$?
  printf '\n%s %s %s\n' "$mark" "$index" "$status"
  printf '\n%s %s %s\n' "$mark" "$index" "$status" >&2
done
