import { readFileSync } from 'node:fs';

/** chainmail's version from package.json, two levels above this file as above the bundle's (scripts/bundle.mjs). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
