/**
 * The import graph of src/: imports point down the layers only, and no
 * files import each other in a circle (docs/architecture.md draws the layers).
 * Type-only imports count too: a type from above is a dependency on above.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Bottom first: a module may import from its own directory and from the directories before it. */
const LAYERS = ['errors.ts', 'sys', 'parse', 'targets', 'net', 'topology', 'health', 'watch', 'host', 'plan', 'render', 'chain', 'tutorial', 'verbs', 'ui', 'entry'];
/** Inside ui/, bottom first: views and hooks sit on the session, never the other way round. */
const UI_LAYERS = ['keymap.ts', 'layout.ts', 'completion.ts', 'history.ts', 'ink-cache', 'session', 'hooks', 'components', 'run-ui.ts'];

function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => f.split('\\').join('/'));
}

/** The src/ files a file imports (static, dynamic and type-only), as paths relative to src/. */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    const target = normalize(join(dirname(file), m[1]!))
      .split('\\')
      .join('/');
    const source = [target.replace(/\.js$/, '.ts'), target.replace(/\.js$/, '.tsx')].find((f) => known.has(f));
    if (source) found.push(source);
  }
  return found;
}

function rank(file: string): [number, number] {
  const [top, second] = file.split('/');
  const layer = LAYERS.indexOf(top!);
  if (layer < 0) throw new Error(`src/${file} is in no layer: add its directory to LAYERS in ${relative(process.cwd(), fileURLToPath(import.meta.url))}`);
  if (top !== 'ui') return [layer, 0];
  const inner = UI_LAYERS.indexOf(second!);
  if (inner < 0) throw new Error(`src/${file} is in no layer of ui/: add it to UI_LAYERS`);
  return [layer, inner];
}

const sameDirectory = (a: string, b: string) => a.split('/')[0] === b.split('/')[0] && (a.split('/')[0] !== 'ui' || a.split('/')[1] === b.split('/')[1]);
const below = ([a, b]: [number, number], [c, d]: [number, number]) => a < c || (a === c && b < d);

describe('architecture', () => {
  const files = sourceFiles();
  const known = new Set(files);
  const graph = new Map(files.map((f) => [f, importsOf(f, known)]));

  it('finds the imports it checks', () => {
    expect(graph.get('entry/main.ts')!.length).toBeGreaterThan(3);
  });

  it('every import points down the layers (or stays in its own directory)', () => {
    const upward = [...graph].flatMap(([file, imports]) =>
      imports.filter((target) => !sameDirectory(file, target) && !below(rank(target), rank(file))).map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('no files import each other in a circle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
