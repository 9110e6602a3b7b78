import type { KoroCommand } from '../parse/koro.js';
import { formatDestination } from '../parse/koro.js';
import { formatCidr } from '../parse/values.js';
import type { Step } from '../net/executor.js';
import { commandIn, ipIn, type Namespace } from '../targets/namespace.js';

type KoroChange = Extract<KoroCommand, { action: 'add' | 'del' }>;

/** Pure: the steps of a koro address or route change. */
/** Key of the per-interface IPv6 switch, in sysctl's slash form so dotted names stay whole. */
export function disableIpv6Key(dev: string): string {
  return `net/ipv6/conf/${dev}/disable_ipv6`;
}

/**
 * Pure: the steps of a koro address or route change. `ipv6Disabled` says
 * whether the interface has IPv6 turned off now (Docker does that): an IPv6
 * address then needs it on first, and turning it back off is the undo.
 */
export function planKoroChange(cmd: KoroChange, ns: Namespace, ipv6Disabled = false): { steps: Step[]; summary: string } {
  if (cmd.object === 'address') {
    const cidr = formatCidr(cmd.address);
    const steps: Step[] = [];
    if (cmd.action === 'add' && cmd.address.family === 6 && ipv6Disabled) {
      steps.push({
        describe: `enable IPv6 on ${cmd.dev} in ${ns.label}`,
        argv: commandIn(ns, ['sysctl', '-q', '-w', `${disableIpv6Key(cmd.dev)}=0`]),
        undo: commandIn(ns, ['sysctl', '-q', '-w', `${disableIpv6Key(cmd.dev)}=1`]),
        explain: [[/cannot stat|No such file/, `there is no interface "${cmd.dev}" in ${ns.label}`]],
      });
    }
    steps.push({
      describe: `${cmd.action === 'add' ? 'add' : 'delete'} address ${cidr} ${cmd.action === 'add' ? 'to' : 'from'} ${cmd.dev} in ${ns.label}`,
      argv: ipIn(ns, ['addr', cmd.action, cidr, 'dev', cmd.dev, ...(cmd.action === 'add' && cmd.address.family === 6 ? ['nodad'] : [])]),
      explain: [
        [/File exists|already assigned/i, `${cidr} is already on ${cmd.dev}`],
        [/Cannot assign requested address|Address not found/i, `${cidr} is not on ${cmd.dev}`],
        [/Cannot find device/, `there is no interface "${cmd.dev}" in ${ns.label}`],
      ],
    });
    const verb = cmd.action === 'add' ? 'added' : 'deleted';
    return { steps, summary: `${verb} ${cidr} ${cmd.action === 'add' ? 'on' : 'from'} ${ns.label}:${cmd.dev}` };
  }

  const dest = formatDestination(cmd.destination);
  const family = cmd.destination.kind === 'default' ? cmd.destination.family : cmd.destination.prefix.family;
  const nexthop = [...(cmd.via ? ['via', cmd.via] : []), ...(cmd.dev ? ['dev', cmd.dev] : [])];
  const described = `${dest}${cmd.via ? ` via ${cmd.via}` : ''}${cmd.dev ? ` dev ${cmd.dev}` : ''}`;
  return {
    steps: [
      {
        describe: `${cmd.action === 'add' ? 'add' : 'delete'} route ${described} in ${ns.label}`,
        argv: ipIn(ns, [`-${family}`, 'route', cmd.action, dest, ...nexthop]),
        explain: [
          [/File exists/, `a route to ${dest} already exists in ${ns.label} (delete it first)`],
          [/No such process/, `there is no route ${described} in ${ns.label}`],
          [/Network is unreachable|Nexthop has invalid gateway/, `gateway ${cmd.via ?? ''} is not reachable: no interface in ${ns.label} has an address in its subnet`],
          [/Cannot find device/, `there is no interface "${cmd.dev ?? ''}" in ${ns.label}`],
        ],
      },
    ],
    summary: `${cmd.action === 'add' ? 'added' : 'deleted'} route ${described} in ${ns.label}`,
  };
}
