/**
 * The file schemas editors read (schema/): written from their source
 * (src/chain/file-schema.ts, src/tutorial/file-schema.ts), valid draft-07,
 * named by the first line of every chain and tutorial file the project
 * ships, and passing each of those files as the loaders do. Their patterns
 * are held to values.ts here; every error case of the loaders' own tests is
 * held to them in chain-file.test.ts and tutorial-file.test.ts
 * (test/support/file-schemas.ts).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChainFile, parseChainText } from '../../src/chain/file.js';
import { whole } from '../../src/parse/json-schema.js';
import { ADDRESS, IMAGE, INTERFACE_NAME, IPV4, IPV6, LINK_CIDR, NETNS_NAME, NODE_NAME, ROUTE_DESTINATION } from '../../src/parse/value-patterns.js';
import { checkContainerName, checkInterfaceName, checkNetnsName, imageProblem, parseCidr, parseIp } from '../../src/parse/values.js';
import { YamlFileError } from '../../src/parse/yaml-file.js';
import { loadTutorial, parseTutorialText } from '../../src/tutorial/file.js';
import { writeCaseFiles } from '../support/bad-input-cases.js';
import { expectSchemaAgrees, FILE_SCHEMAS, schemaAjv, schemaProblems, type FileKind } from '../support/file-schemas.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('schema/', () => {
  it.each(Object.entries(FILE_SCHEMAS))('%s: the committed file is what its source builds', (_kind, { file, schema }) => {
    const committed: unknown = JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
    expect(committed, `${file} is stale: run node scripts/file-schemas.mjs`).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it.each(Object.entries(FILE_SCHEMAS))('%s: a valid draft-07 schema', (_kind, { schema }) => {
    const ajv = schemaAjv();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });
});

/** Every chain and tutorial file the project ships, with its kind. */
const SHIPPED: [string, FileKind][] = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f): [string, FileKind] => [`examples/${f}`, 'chain']),
  ...readdirSync(join(ROOT, 'tutorials'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f): [string, FileKind] => [`tutorials/${f}`, f.endsWith('.chain.yaml') ? 'chain' : 'tutorial']),
];

const load = (kind: FileKind, path: string) => (kind === 'chain' ? loadChainFile(path) : loadTutorial(path));
const parse = (kind: FileKind, text: string, path: string) => (kind === 'chain' ? parseChainText(text, path) : parseTutorialText(text, path));

describe('the chain and tutorial files the project ships', () => {
  it('are all here', () => {
    expect(SHIPPED.filter(([, kind]) => kind === 'chain').length).toBeGreaterThanOrEqual(6);
    expect(SHIPPED.filter(([, kind]) => kind === 'tutorial').length).toBeGreaterThanOrEqual(3);
  });

  it.each(SHIPPED)('%s names its schema on the first line, the way yaml-language-server reads it', (file, kind) => {
    const first = readFileSync(join(ROOT, file), 'utf8').split('\n')[0]!;
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match, first).not.toBeNull();
    expect(resolve(dirname(join(ROOT, file)), match![1]!)).toBe(join(ROOT, FILE_SCHEMAS[kind].file));
    expect(existsSync(join(ROOT, FILE_SCHEMAS[kind].file))).toBe(true);
  });

  it.each(SHIPPED)('%s passes both its loader and its schema', (file, kind) => {
    expect(() => load(kind, join(ROOT, file))).not.toThrow();
    expect(schemaProblems(kind, readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it.each(SHIPPED)("%s: the loader's line numbers count the schema line", (file, kind) => {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('name: '));
    expect(at).toBeGreaterThan(0);
    lines[at] = 'name: two words';
    let thrown: unknown;
    try {
      parse(kind, lines.join('\n'), join(ROOT, file));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(YamlFileError);
    expect((thrown as YamlFileError).line).toBe(at + 1);
    expect((thrown as YamlFileError).field).toBe('name');
  });
});

describe('the chain and tutorial files of the bad-input test (test/support/bad-input-cases.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmt-schema-cases-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeCaseFiles({ a: 'cmt-a', b: 'cmt-b', missing: 'cmt-missing', deadPid: 0, dir, tag: 'sc' });
  const files = readdirSync(dir).map((f): [string, FileKind] => [f, f.startsWith('tut-') ? 'tutorial' : 'chain']);

  it('are there', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  // a file there may have more than one mistake (the loader names its first)
  it.each(files)('%s: the schema judges it as the loader does', (file, kind) => {
    const text = readFileSync(join(dir, file), 'utf8');
    let error: YamlFileError | undefined;
    try {
      parse(kind, text, join(dir, file));
    } catch (err) {
      expect(err).toBeInstanceOf(YamlFileError);
      error = err as YamlFileError;
    }
    expectSchemaAgrees(kind, text, error, { oneMistake: false });
  });
});

/** A pattern of value-patterns.ts as a test. */
const matches = (pattern: string) => {
  const re = new RegExp(whole(pattern), 'u');
  return (text: string) => re.test(text);
};

const chars = (alphabet: string, maxLength: number) => fc.string({ unit: fc.constantFrom(...alphabet), maxLength });
const NAMEISH = 'abcAZ019_.-@+/: é\t';
const params = { numRuns: 2000 };

describe('value patterns, held to values.ts', () => {
  it('IPV4 is isIPv4 exactly', () => {
    const ipv4 = matches(IPV4);
    const ipv4ish = fc.oneof(
      fc.ipV4(),
      chars('0123456789.', 16),
      fc.tuple(fc.ipV4(), fc.constantFrom('0', '.1', ' ')).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(ipv4ish, (text) => {
        expect(ipv4(text), text).toBe(parseIp(text).ok && !text.includes(':'));
      }),
      params,
    );
  });

  it('ADDRESS takes every address parseIp takes', () => {
    const address = matches(ADDRESS);
    const ipv6 = matches(IPV6);
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), chars('0123456789abcdefABCDEF:.%', 20)), (text) => {
        if (parseIp(text).ok) expect(address(text), text).toBe(true);
        if (parseIp(text).ok && text.includes(':')) expect(ipv6(text), text).toBe(true);
      }),
      params,
    );
  });

  it('NETNS_NAME is checkNetnsName exactly', () => {
    const netns = matches(NETNS_NAME);
    fc.assert(
      fc.property(fc.oneof(chars(NAMEISH, 12), chars('ab-.', 4), fc.constantFrom('a'.repeat(200), 'a'.repeat(201), '.', '..', '...')), (text) => {
        expect(netns(text), text).toBe(checkNetnsName(text).ok);
      }),
      params,
    );
  });

  it('NODE_NAME is a namespace and container name, not an address, exactly', () => {
    const node = matches(NODE_NAME);
    const nodeish = fc.oneof(
      chars(NAMEISH, 12),
      fc.ipV4(),
      fc.ipV4().map((a) => `${a}.x`),
      fc.constantFrom('a'.repeat(128), 'a'.repeat(129), '010', '-a', '_a'),
    );
    fc.assert(
      fc.property(nodeish, (text) => {
        expect(node(text), text).toBe(checkNetnsName(text).ok && checkContainerName(text).ok && !parseIp(text).ok);
      }),
      params,
    );
  });

  it('INTERFACE_NAME is checkInterfaceName exactly', () => {
    const ifname = matches(INTERFACE_NAME);
    fc.assert(
      fc.property(fc.oneof(chars(NAMEISH, 17), fc.constantFrom('a'.repeat(15), 'a'.repeat(16), '.', '..', '-x', 'é')), (text) => {
        expect(ifname(text), text).toBe(checkInterfaceName(text).ok);
      }),
      params,
    );
  });

  it('IMAGE is imageProblem exactly', () => {
    const image = matches(IMAGE);
    fc.assert(
      fc.property(fc.oneof(chars('ab09._/:@- A', 12), fc.constantFrom('a'.repeat(255), 'a'.repeat(256))), (text) => {
        expect(image(text), text).toBe(imageProblem(text) === undefined);
      }),
      params,
    );
  });

  const prefixText = fc.oneof(fc.integer({ min: 0, max: 130 }).map(String), chars('0123456789', 4), fc.constantFrom('', '024', '0032', 'x'));
  const cidrish = fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6(), chars('0123456789.:', 10)), prefixText).map(([a, p]) => `${a}/${p}`);

  it('LINK_CIDR takes a CIDR with room for two addresses, exactly so for IPv4, at least so for IPv6', () => {
    const link = matches(LINK_CIDR);
    fc.assert(
      fc.property(cidrish, (text) => {
        const cidr = parseCidr(text);
        const good = cidr.ok && cidr.value.prefix > 0 && cidr.value.prefix < (cidr.value.family === 4 ? 32 : 128);
        if (good) expect(link(text), text).toBe(true);
        if (!text.includes(':')) expect(link(text), text).toBe(good);
      }),
      params,
    );
  });

  it('ROUTE_DESTINATION takes default, every prefix and every address', () => {
    const destination = matches(ROUTE_DESTINATION);
    fc.assert(
      fc.property(fc.oneof(cidrish, fc.ipV4(), fc.ipV6()), (text) => {
        if (parseCidr(text).ok || parseIp(text).ok) expect(destination(text), text).toBe(true);
      }),
      params,
    );
    expect(destination('default')).toBe(true);
  });
});
