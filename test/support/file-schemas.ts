/**
 * The file schemas (schema/, built by src/chain/file-schema.ts and
 * src/tutorial/file-schema.ts) held to their loaders: the chain-file and
 * tutorial-file unit tests pass every text they give the loader through
 * expectSchemaAgrees, so what the loader accepts the schema accepts, and
 * what it refuses the schema refuses too, at the same field, unless the
 * refusal is one of VALIDATOR_ONLY, which the schema cannot express.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CHAIN_FILE_SCHEMA } from '../../src/chain/file-schema.js';
import type { JsonSchema } from '../../src/parse/json-schema.js';
import type { YamlFileError } from '../../src/parse/yaml-file.js';
import { TUTORIAL_FILE_SCHEMA } from '../../src/tutorial/file-schema.js';

export type FileKind = 'chain' | 'tutorial';

export const FILE_SCHEMAS: Record<FileKind, { file: string; schema: JsonSchema }> = {
  chain: { file: 'schema/chain-file.schema.json', schema: CHAIN_FILE_SCHEMA },
  tutorial: { file: 'schema/tutorial-file.schema.json', schema: TUTORIAL_FILE_SCHEMA },
};

/**
 * Ajv as strict as the schemas allow: an unknown keyword is an error, but for
 * the editors' own message keyword. A keyword of another type than the
 * field's (a pattern on a text-or-number) and a link's tuple of three or
 * four items are how the schemas say what they mean.
 */
export function schemaAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strictTypes: false, strictTuples: false });
  ajv.addVocabulary(['patternErrorMessage']);
  return ajv;
}

const ajv = schemaAjv();
const validators = { chain: ajv.compile(CHAIN_FILE_SCHEMA), tutorial: ajv.compile(TUTORIAL_FILE_SCHEMA) };

/** A refusal only the loader makes (its problem, and the field if that says more), and why the schema cannot. */
interface ValidatorOnly {
  problem: RegExp;
  field?: RegExp;
  reason: string;
}

const CROSS_NODES = 'names a node: which names are nodes only nodes: says';

export const VALIDATOR_ONLY: Record<FileKind, ValidatorOnly[]> = {
  chain: [
    { problem: /is not a node \(nodes: /, reason: CROSS_NODES },
    { problem: /is already a node \(/, reason: 'node names are unique across plain names and mappings (uniqueItems compares whole items)' },
    { problem: /already has an interface /, reason: "a node's interface names are unique across all links" },
    { problem: /^both ends are on /, reason: 'compares the node parts of a and b' },
    { problem: /has host bits set/, reason: 'arithmetic on the address and its prefix' },
    { problem: /is the (network|broadcast) address of /, reason: 'arithmetic on the address and its prefix' },
    { problem: /(are not in one subnet|have different prefix lengths|are not of one address family|^both ends have )/, reason: "compares a link's two addresses" },
    { problem: / overlaps .* of links\[/, reason: "compares a link's subnet with every earlier link's" },
    {
      problem: /(is not on any link of |is not on \S+'s \S+ subnet|own address on |but the neighbour there)/,
      reason: "a gateway must be a neighbour's address, known from links:",
    },
    { problem: /has no interface /, reason: "the node's interfaces are known from links:" },
    { problem: /is IPv[46] but .* is IPv[46]$/, reason: 'compares the families of to and via' },
    { problem: /it needs no route$/, reason: "compares the destination with the node's link subnets" },
    { problem: /already has a route to /, reason: 'compares the routes of one node' },
    { problem: /goes round in a loop: /, reason: 'follows the routes, the derived ones too, hop by hop' },
    {
      problem: /is not allowed in a rule|write each option apart from its value/,
      reason: "iptables' own reading of words (abbreviated long options, bundled short ones), word by word",
    },
    { problem: /is not a valid URL$/, reason: 'URL syntax is left to the URL parser' },
    { problem: /is on no link, so it has no address to probe$/, reason: 'whether a node is on a link only links: says' },
    { problem: /^a YAML alias \(/, reason: 'the schema sees the value an alias stands for, not the alias' },
  ],
  tutorial: [
    { problem: /^a YAML alias \(/, reason: 'the schema sees the value an alias stands for, not the alias' },
    { problem: /no such chain file|is not a good chain file/, reason: 'the setup chain file is read and checked by the chain loader' },
    {
      problem: /names the setup chain file, but this tutorial's setup is not one|checks the setup chain file, but this tutorial has none/,
      reason: 'depends on what setup: is',
    },
    {
      // the schema sees a line's shape only: text, one line, not blank (and a check of one kind)
      problem: /^(?!must be one line$|must be a prompt line|is empty; it must be|give one of )/,
      field: /(^setup|^cleanup|\.run)\[\d+\]$|\.check\.command$/,
      reason: "a prompt line's words are checked by the CLI's own parsers (verbs, options, quotes, prompt-only verbs)",
    },
  ],
};

/** What one refusal of the schema says: where (a JSON pointer) and what. */
interface SchemaProblem {
  at: string;
  message: string;
}

const where = (e: ErrorObject) => {
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const key = params.missingProperty ?? params.additionalProperty;
  return key === undefined ? e.instancePath : `${e.instancePath}/${key}`;
};

/** Why the schema refuses the text, as an editor would see it: YAML errors first, then each document against the schema. */
export function schemaProblems(kind: FileKind, text: string): SchemaProblem[] {
  const docs = parseAllDocuments(text);
  const validate = validators[kind];
  // an alias may stand for more than the parser will expand (or for nothing): that is an error an editor shows too
  const toJS = (doc: (typeof docs)[number]): unknown => {
    try {
      return doc.toJS() as unknown;
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  };
  const values = docs.length === 0 ? [null] : docs.map((doc) => doc.errors[0] ?? toJS(doc));
  return values.flatMap((value) => {
    if (value instanceof Error) return [{ at: '', message: `not YAML: ${value.message}` }];
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => ({ at: where(e), message: `${e.message ?? e.keyword} ${JSON.stringify(e.params)}` }));
  });
}

/** `links[1].a` as a JSON pointer, `/links/1/a`. */
const pointer = (field: string) =>
  field
    ? `/${field
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .join('/')}`
    : '';

/** One place is in the other (or is it). */
const related = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

const used = { chain: new Set<ValidatorOnly>(), tutorial: new Set<ValidatorOnly>() };

/**
 * The schema judges the text as the loader did: accepted when it was
 * accepted (error undefined); refused when it was refused, with a problem at
 * or around the loader's field, unless the refusal is in VALIDATOR_ONLY.
 * Then, for a text with one mistake (as each case of the loaders' tests
 * has), the schema must accept it, or the entry is not needed; a text with
 * more may have one the schema sees (the loader stops at its first).
 */
export function expectSchemaAgrees(kind: FileKind, text: string, error?: YamlFileError, { oneMistake = true } = {}): void {
  const problems = schemaProblems(kind, text);
  const only = error && VALIDATOR_ONLY[kind].find((entry) => entry.problem.test(error.problem) && (!entry.field || entry.field.test(error.field)));
  if (only) used[kind].add(only);
  if (only && !oneMistake) return;
  if (!error || only) {
    expect(problems, `the ${kind} schema refuses what only the loader should judge:\n${text}`).toEqual([]);
    return;
  }
  expect(problems.length, `the ${kind} schema accepts what the loader refuses (${error.message}):\n${text}`).toBeGreaterThan(0);
  const field = pointer(error.field);
  expect(
    problems.some((p) => related(p.at, field)),
    `the ${kind} schema refuses it elsewhere than ${error.field || 'the file'} (${error.message}): ${JSON.stringify(problems)}`,
  ).toBe(true);
}

/** The VALIDATOR_ONLY entries no case has needed so far: none, once a file's tests ran. */
export const unneededValidatorOnly = (kind: FileKind) => VALIDATOR_ONLY[kind].filter((entry) => !used[kind].has(entry)).map((entry) => String(entry.problem));
