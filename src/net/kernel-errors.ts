/**
 * Turns what iproute2, tc, sysctl and iptables print on failure into plain
 * words. The raw text is kept by the caller; this is the sentence users read.
 */
const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  // iptables' own words come first: its "does not exist" is about chains and targets
  [/Chain '([^']+)' does not exist/, (m) => `there is no target or chain "${m[1]}" (e.g. ACCEPT, DROP, REJECT)`],
  [/Couldn't load (?:target|match) `([^']+)'/, (m) => `iptables has no target or match "${m[1]}"`],
  [/Index of deletion too big/, () => 'there is no rule with that number'],
  [/Bad rule \(does a matching rule exist/, () => 'no rule in the chain matches that'],
  [/unknown option "([^"]+)"/, (m) => `iptables does not know the option "${m[1]}"`],
  [/Address not found|Cannot assign requested address|EADDRNOTAVAIL/, () => 'that address is not on the interface'],
  [/Cannot find device "([^"]+)"/, (m) => `there is no interface "${m[1]}"`],
  [/does not exist|No such device/, () => 'the interface does not exist'],
  [/File exists|already assigned/i, () => 'it already exists'],
  [/Nexthop has invalid gateway|Network is unreachable/, () => 'the gateway is not reachable: no interface here has an address in its subnet'],
  [/No such process|ESRCH/, () => 'there is no such entry'],
  [/Operation not permitted|EPERM/, () => 'the kernel refused: operation not permitted (missing privilege?)'],
  [/Permission denied/, () => 'permission denied'],
  [/Unknown device type|Specified qdisc kind is unknown|TC classifier not found/, () => 'this kernel does not support it (module not available)'],
  [/Invalid argument/, () => 'the kernel rejected a value as invalid'],
  [/mtu .*(greater|less) than device|Numerical result out of range/, () => 'the MTU is outside what the device supports'],
  [/Address already in use/, () => 'the address or port is already in use'],
  [/Cannot open network namespace "?([^":]+)"?/, (m) => `the network namespace ${m[1]} cannot be opened (it may have just gone away)`],
  // the same, entered through nsenter (sys/fan-out.ts): a named namespace's file under /var/run/netns
  [
    /nsenter: cannot open \/(?:var\/)?run\/netns\/([^:/]+): No such file or directory/,
    (m) => `the network namespace ${m[1]} cannot be opened (it may have just gone away)`,
  ],
  [/reassociate to namespace.*|setns.*(No such file|Invalid)/, () => 'the namespace went away'],
  [/Device or resource busy/, () => 'the device is busy'],
  [/Bad rule|Couldn't load target|No chain\/target\/match by that name/, () => 'iptables does not accept this rule (unknown match or target)'],
];

export function explainFailure(stderr: string): string {
  for (const [re, say] of PATTERNS) {
    const m = re.exec(stderr);
    if (m) return say(m);
  }
  const first = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  return first ? first.replace(/^(RTNETLINK answers|Error):\s*/, '') : 'it failed without saying why';
}

/** Failures that mean "already gone": fine while undoing. */
export function isAlreadyGone(stderr: string): boolean {
  return /Cannot find device|does not exist|No such device|No such file or directory|Cannot open network namespace|Invalid handle|Cannot delete qdisc with handle of zero/.test(
    stderr,
  );
}
