#!/bin/sh
# chainmail's round prober (src/health/round-prober.ts): one echo per request, from one
# long-lived process, so that the UI pinging the hops off screen in turn starts no process
# of its own for each.
#
#   sh round-prober.sh
#
# Standard input holds the requests, one a line: KEY<TAB>NSPATH<TAB>ADDRESS. For each, one
# `ping -n -c 1 -W 1 ADDRESS` runs inside the network namespace at NSPATH (NSPATH `-`: the
# host's own, where ping runs as it is, with no need to enter a namespace), then the line
# "KEY<TAB>REPLY" is written, REPLY being ping's line about the echo (a reply, or an error
# from a router), empty when there was none. Nothing here evaluates the requests: their
# fields are only passed on as words.
tab='	'
while IFS=$tab read -r key nspath address; do
  # the requests are on standard input: nothing started here may read them
  if [ "$nspath" = - ]; then
    out=$(ping -n -c 1 -W 1 "$address" </dev/null 2>/dev/null)
  else
    out=$(nsenter --net="$nspath" -- ping -n -c 1 -W 1 "$address" </dev/null 2>/dev/null)
  fi
  reply=
  while IFS= read -r line; do
    case $line in
    *icmp_seq=*)
      reply=$line
      break
      ;;
    esac
  done <<END
$out
END
  printf '%s\t%s\n' "$key" "$reply"
done
