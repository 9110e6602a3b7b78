#!/usr/bin/env node
/**
 * Writes the JSON Schemas of chain files and tutorial files to schema/, from
 * their source beside the loaders (src/chain/file-schema.ts,
 * src/tutorial/file-schema.ts). Run it after changing a file format:
 *
 *   node scripts/file-schemas.mjs
 *
 * test/unit/file-schemas.test.ts fails while schema/ differs from the source.
 * The source is TypeScript, so esbuild compiles it first (into
 * node_modules/.cache/, where its imports of packages resolve).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { format, resolveConfig } from 'prettier';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, 'node_modules/.cache/file-schemas');
const compiled = join(cache, `schemas-${process.pid}.mjs`);

/** Each schema file and the export of the source that holds it. */
const SCHEMA_FILES = {
  'schema/chain-file.schema.json': 'CHAIN_FILE_SCHEMA',
  'schema/tutorial-file.schema.json': 'TUTORIAL_FILE_SCHEMA',
};

mkdirSync(cache, { recursive: true });
try {
  await build({
    absWorkingDir: root,
    stdin: {
      contents: "export * from './src/chain/file-schema.ts';\nexport * from './src/tutorial/file-schema.ts';\n",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: compiled,
    logLevel: 'error',
  });
  const source = await import(pathToFileURL(compiled).href);
  mkdirSync(join(root, 'schema'), { recursive: true });
  for (const [file, name] of Object.entries(SCHEMA_FILES)) {
    const path = join(root, file);
    const options = (await resolveConfig(path)) ?? {};
    writeFileSync(path, await format(JSON.stringify(source[name], null, 2), { ...options, filepath: path }));
    console.log(`wrote ${file}`);
  }
} finally {
  rmSync(compiled, { force: true });
}
