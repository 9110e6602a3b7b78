/**
 * The JSON Schema of tutorial files (schema/tutorial-file.schema.json,
 * written by scripts/file-schemas.mjs): for editors, to complete and check a
 * tutorial as it is written. Built on the loader's own field tables, so a
 * field the loader knows and the schema does not describe fails the type check.
 *
 * A prompt line is checked by the CLI's own parsers, and a setup chain file
 * by the chain loader: only the loader does that (test/support/file-schemas.ts
 * lists those cases).
 */
import { DRAFT_07, given, mapping, NOT_BLANK, text, TEXT, whole, type JsonSchema } from '../parse/json-schema.js';
import { ADDRESS, NETNS_NAME } from '../parse/value-patterns.js';
import { CHECK_FIELDS, HTTP_CHECK_FIELDS, PING_CHECK_FIELDS, STEP_FIELDS, TUTORIAL_FIELDS } from './file.js';
import { DEFAULT_CHECK_WINDOW_MS } from './model.js';

const line = (description: string): JsonSchema => ({
  type: 'string',
  description,
  pattern: '^[^\\n]*\\S[^\\n]*$',
  patternErrorMessage: 'one prompt line, e.g. ping wu-test1 10.0.2.2',
});
const lines = (description: string, more: JsonSchema = {}): JsonSchema => ({ type: 'array', description, items: line('A prompt line (any CLI verb)'), ...more });
const words = (description: string) => text(description, NOT_BLANK);

const check = mapping(
  CHECK_FIELDS,
  {
    ping: mapping(
      PING_CHECK_FIELDS,
      {
        from: words('The node the ping is sent from'),
        to: { type: 'string', description: 'The address to ping', pattern: `^\\s*(?:${ADDRESS})\\s*$`, patternErrorMessage: 'an address, e.g. 10.0.2.2' },
      },
      { required: ['from', 'to'], description: 'An ICMP echo from a node: { from: NODE, to: ADDRESS }' },
    ),
    http: mapping(
      HTTP_CHECK_FIELDS,
      {
        from: words('The node the request is made from'),
        url: {
          type: TEXT,
          description: 'The URL to fetch (a bare address means http://ADDRESS/)',
          pattern: '^\\s*(?:[hH][tT][tT][pP][sS]?://|(?![A-Za-z][A-Za-z0-9+.-]*://))\\S',
          patternErrorMessage: 'an http:// or https:// URL, or an address',
        },
      },
      { required: ['from', 'url'], description: 'An HTTP GET from a node: { from: NODE, url: URL }' },
    ),
    chain: { enum: ['status'], description: '`chain status` of the setup chain file: every node, link, address, route and probe' },
    command: line('Any prompt line: the check is its success'),
    expect: { enum: ['ok', 'fail'], description: 'What the check must do: ok (the default) or fail', default: 'ok' },
    within: {
      type: ['integer', 'string'],
      description: `Milliseconds it may take to come true (0-60000, default ${DEFAULT_CHECK_WINDOW_MS})`,
      minimum: 0,
      maximum: 60000,
      pattern: '^\\d+$',
      default: DEFAULT_CHECK_WINDOW_MS,
    },
  },
  {
    description: 'What must hold after the lines ran, one of ping, http, chain, command; with expect and within',
    oneOf: [given('ping'), given('http'), given('chain'), given('command')],
  },
);

const step = mapping(
  STEP_FIELDS,
  {
    title: words('A few words naming the step'),
    text: words('What the step shows; blank lines separate paragraphs'),
    run: lines('Prompt lines, run in order (any CLI verb); {setup} stands for the setup chain file'),
    check,
  },
  {
    required: ['title'],
    description: 'A step: { title, text, run: [LINE, ...], check }; it runs lines, checks something, or both',
    anyOf: [{ required: ['run'], properties: { run: { minItems: 1 } } }, given('check')],
  },
);

export const TUTORIAL_FILE_SCHEMA: JsonSchema = {
  $schema: DRAFT_07,
  title: 'chainmail tutorial file',
  ...mapping(
    TUTORIAL_FIELDS,
    {
      name: text("The tutorial's name: letters, digits, _ . -", { pattern: whole(NETNS_NAME), message: 'letters, digits, _ . - (up to 200, not starting with -)' }),
      title: text('One line saying what the tutorial shows', { pattern: '^\\s*[^\\n]*\\S[^\\n]*\\s*$', message: 'one line' }),
      intro: words('Shown before the first step'),
      setup: {
        type: [...TEXT, 'array'],
        description: 'A chain file (relative to this file) brought up first, or a list of prompt lines (then cleanup is required)',
        pattern: NOT_BLANK.pattern,
        patternErrorMessage: 'a chain file, e.g. warm-up.chain.yaml',
        items: line('A prompt line (any CLI verb)'),
        minItems: 1,
      },
      cleanup: lines('Prompt lines run at the end (unless --keep); for a setup chain file, its chain down is the default'),
      steps: { type: 'array', description: 'The steps, each { title, text, run, check }', items: step, minItems: 1 },
    },
    {
      required: ['name', 'title', 'steps'],
      description: 'A tutorial: a story told in steps, each a bit of text, the prompt lines it runs and what must hold afterwards (docs/tui.md).',
      // setup lines have no chain down to undo them
      if: { required: ['setup'], properties: { setup: { type: 'array' } } },
      then: given('cleanup'),
    },
  ),
};
