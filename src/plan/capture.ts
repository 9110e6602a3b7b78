/**
 * Pure: a capture and the namespace it runs in -> tcpdump's argument array.
 * No shell reads the filter: each filter word is one argument, after `--`, so tcpdump never
 * reads one as an option.
 */
import type { CaptureCommand } from '../parse/capture.js';
import { commandIn, type Namespace } from '../targets/namespace.js';

export function tcpdumpArgv(ns: Namespace, cmd: Pick<CaptureCommand, 'ifname' | 'count' | 'file' | 'filter'>): string[] {
  const args = [
    'tcpdump',
    '-i',
    cmd.ifname,
    '-n',
    // each packet as it arrives, not when the kernel's buffer fills
    '--immediate-mode',
    // a pcap file is written by chainmail from tcpdump's standard output (-U: packet by packet), so tcpdump,
    // which drops root, need not open the user's file itself
    ...(cmd.file !== undefined ? ['-U', '-w', '-'] : ['-l']),
    ...(cmd.count !== undefined ? ['-c', String(cmd.count)] : []),
    '--',
    ...cmd.filter,
  ];
  return commandIn(ns, args);
}
