#!/bin/sh
# chainmail's fan-out helper (src/sys/fan-out.ts): runs one command in many network
# namespaces, one after the other, from a single process.
#
#   sh fan-out.sh MARK COMMAND [ARG...]
#
# Standard input holds the items, one a line: INDEX<TAB>INPUT<TAB>NSPATH. For each,
# `nsenter --net=NSPATH -- COMMAND ARG...` runs with INPUT (a file) as its standard
# input; then a line "MARK INDEX STATUS", after a newline of its own, is written to
# both standard output and standard error, so that the caller can tell whose output
# is whose. Nothing here evaluates its arguments or the items: they are only passed
# on as words.
mark=$1
shift
# a literal tab: $(printf '\t') would cost a subshell
tab='	'
while IFS=$tab read -r index input nspath; do
  nsenter --net="$nspath" -- "$@" <"$input"
  status=$?
  printf '\n%s %s %s\n' "$mark" "$index" "$status"
  printf '\n%s %s %s\n' "$mark" "$index" "$status" >&2
done
