/**
 * Every interface koko makes is born under a temporary unique name
 * (`cm` + an 8-hex tag + a or b) and renamed once both ends are in place, so
 * a half-made link never carries the name the user asked for. Readers skip
 * such names: they are links still being made.
 */
export function temporaryName(tag: string, end: 'a' | 'b'): string {
  return `cm${tag}${end}`;
}

export function isKokoTemporaryName(ifname: string): boolean {
  return /^cm[0-9a-f]{8}[ab]$/.test(ifname);
}
