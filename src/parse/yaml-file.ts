/**
 * Reading a YAML file (a chain file, a tutorial file) with line numbers, so
 * every mistake is a `FILE:LINE: field: problem` error.
 */
import { isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ChainmailError, EXIT_USAGE } from '../errors.js';

const MAX_PROBLEM = 300;

export class YamlFileError extends ChainmailError {
  constructor(
    readonly file: string,
    readonly line: number,
    /** The field's path, e.g. `links[1].a`; empty for the file as a whole. */
    readonly field: string,
    readonly problem: string,
  ) {
    // a message is one readable line: a problem that quotes a huge value is cut short
    super(`${file}:${line}: ${field ? `${field}: ` : ''}${problem.length > MAX_PROBLEM ? `${problem.slice(0, MAX_PROBLEM - 3)}...` : problem}`, EXIT_USAGE);
  }
}

/** What sets one kind of YAML file apart in its messages. */
export interface YamlFileFormat {
  /** As in "a chain file is one YAML document". */
  kind: string;
  /** The class of the file's errors. */
  error: new (file: string, line: number, field: string, problem: string) => YamlFileError;
  /** The known field a mistyped one most likely is, if any. */
  nearestField: (key: string, known: readonly string[]) => string | undefined;
}

/** The document's root node, and where its nodes are for messages; text that is not YAML fails at its first error. */
export function parseYamlFile(text: string, fileName: string, format: YamlFileFormat): { source: Source; root: unknown } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    // the parser's own wording for this one talks about its API
    const first = yamlError.message.split('\n')[0] ?? '';
    const problem =
      yamlError.code === 'MULTIPLE_DOCS'
        ? `a ${format.kind} file is one YAML document; this is a second one`
        : /call stack/i.test(first)
          ? 'nested too deep to read'
          : first;
    throw new format.error(fileName, lines.linePos(yamlError.pos[0]).line, '', `not valid YAML: ${problem}`);
  }
  const source = new Source(fileName, lines, format);
  refuseAliases(doc, source);
  return { source, root: doc.contents };
}

/**
 * An alias (`*name`) stands for a value written elsewhere; expanded, a few
 * lines can stand for billions of values. These files have no use for them:
 * the first one is refused, at its line and field.
 */
function refuseAliases(doc: Document, source: Source): void {
  visit(doc, {
    Alias(_key, alias, path) {
      let field = '';
      const chain = [...path, alias];
      chain.forEach((node, i) => {
        const next = chain[i + 1];
        if (isSeq(node) && next !== undefined) field = fieldPath(field, node.items.indexOf(next));
        if (isPair(node) && next === node.value) field = fieldPath(field, isScalar(node.key) ? String(node.key.value) : '?');
      });
      source.fail(alias, field, `a YAML alias (*${alias.source}): a ${source.format.kind} file does not use them; write the value out`);
    },
  });
}

export class Source {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    readonly format: YamlFileFormat,
  ) {}

  fail(node: unknown, field: string, problem: string): never {
    throw new this.format.error(this.file, this.lineOf(node), field, problem);
  }

  /** The line a node of the file starts on (1 when not known). */
  lineOf(node: unknown): number {
    const range = isNode(node) ? node.range : undefined;
    return range ? this.lines.linePos(range[0]).line : 1;
  }
}

/** A value in the file with where it is, for messages. */
export interface Field {
  node: unknown;
  path: string;
}

export const isAbsent = (node: unknown) => node === null || node === undefined || (isScalar(node) && node.value === null);

export const fieldPath = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** The fields of a mapping, refusing unknown ones (with the nearest known one suggested). */
export class Fields {
  private readonly values = new Map<string, unknown>();

  constructor(
    private readonly source: Source,
    readonly field: Field,
    known: readonly string[],
    shape: string,
  ) {
    const { node, path } = field;
    if (!isMap(node)) source.fail(node, path, `${path ? '' : 'the file '}must be a mapping: ${shape}`);
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string') source.fail(pair.key, path, `field names must be plain words: ${shape}`);
      if (!known.includes(key)) {
        const nearest = source.format.nearestField(key, known);
        source.fail(pair.key, fieldPath(path, key), nearest ? `unknown field; did you mean "${nearest}"?` : `unknown field (fields: ${known.join(', ')})`);
      }
      this.values.set(key, pair.value);
    }
  }

  optional(key: string): Field | undefined {
    const node = this.values.get(key);
    return isAbsent(node) ? undefined : { node, path: fieldPath(this.field.path, key) };
  }

  required(key: string, what: string): Field {
    const found = this.optional(key);
    if (!found) this.source.fail(this.field.node, fieldPath(this.field.path, key), `missing (${what})`);
    return found;
  }
}

/** A plain value as text; numbers keep their spelling (`010` stays `010`). */
export function readText(source: Source, { node, path }: Field, what: string, { refuseBlank = false } = {}): string {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') source.fail(node, path, `must be ${what}`);
  // objects were refused above: what is left is a number or a boolean
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const text = typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
  if ((refuseBlank ? text.trim() : text) === '') source.fail(node, path, `is empty; it must be ${what}`);
  return text;
}

export function readList(source: Source, { node, path }: Field, what: string): Field[] {
  if (!isSeq(node)) source.fail(node, path, `must be a list of ${what}`);
  return node.items.map((item, i) => ({ node: item, path: fieldPath(path, i) }));
}
