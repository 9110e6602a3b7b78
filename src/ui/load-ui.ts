/**
 * The one way into the UI module. Ink decides once, when it is first
 * imported, whether it runs "in CI" (the CI or CONTINUOUS_INTEGRATION
 * variable set): there it draws no frames until the UI ends. chainmail opens
 * its UI only on a real terminal, where a user who happens to have CI set
 * (a CI job driving tmux, a shell profile) still needs to see it, so those
 * variables are hidden while Ink loads and put back at once: commands the UI
 * runs see the environment unchanged.
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadUi(): Promise<typeof import('./run-ui.js')> {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    return await import('./run-ui.js');
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
