/**
 * The one way into the UI module (and chalk, which Ink draws with). Decisions
 * are taken once, when these are first imported, from the environment:
 *
 * - Ink decides whether it runs "in CI" (the CI or CONTINUOUS_INTEGRATION
 *   variable set): there it draws no frames until the UI ends. chainmail
 *   opens its UI only on a real terminal, where a user who happens to have CI
 *   set (a CI job driving tmux, a shell profile) still needs to see it, so
 *   those variables are hidden while Ink loads.
 * - With DEV=true (a common variable name) Ink loads React's devtools and
 *   reads its own package.json next to its code, which the bundle
 *   (scripts/bundle.mjs) does not carry: that variable is hidden too.
 * - React (and its reconciler and scheduler) load their development build
 *   unless NODE_ENV is "production". That build records every render as a
 *   performance measure with a diff of the changed props, kept in the
 *   process's performance timeline and never cleared: under a steady stream
 *   of kernel events the UI grew by megabytes a minute (the soak test,
 *   bench/soak.mjs, found it). The UI always loads the production build.
 * - chalk works out its colour level, and finds none where CI is set.
 *
 * Each variable is put back as soon as the last load under way is done:
 * commands the UI runs see the environment unchanged.
 */
const HIDDEN = ['CI', 'CONTINUOUS_INTEGRATION', 'DEV'] as const;

export function loadUi(): Promise<typeof import('./run-ui.js')> {
  return withUiEnvironment(() => import('./run-ui.js'));
}

/**
 * chalk, for the CLI's own colours. chalk works out its default colour level
 * once, as it loads, and finds none where CI is set; Ink draws with that same
 * instance, so a CLI that loaded chalk first (it colours error messages)
 * left the UI without colour. Loaded here, it sees what Ink would.
 */
export function loadChalk(): Promise<typeof import('chalk')> {
  return withUiEnvironment(() => import('chalk'));
}

/** Loads under way, and the environment the first of them found: loads may overlap (the CLI's two painters). */
let loading = 0;
let saved: ReadonlyArray<readonly [string, string | undefined]> = [];

async function withUiEnvironment<T>(load: () => Promise<T>): Promise<T> {
  if (loading++ === 0) {
    saved = [...HIDDEN, 'NODE_ENV'].map((name) => [name, process.env[name]] as const);
    for (const name of HIDDEN) delete process.env[name];
    process.env.NODE_ENV = 'production';
  }
  try {
    return await load();
  } finally {
    if (--loading === 0) {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }
}
