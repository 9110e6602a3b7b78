/**
 * JSON Schema (draft-07) for the YAML files users edit, built from the
 * validators' own field tables (chain/file-schema.ts, tutorial/file-schema.ts).
 * Editors (yaml-language-server) complete and check a file with it; the
 * validators stay the authority, so a schema here may be looser than its
 * validator, never stricter. scripts/file-schemas.mjs writes them to schema/.
 */

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface JsonSchema {
  $schema?: string;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  pattern?: string;
  /** yaml-language-server's (and VS Code's) message when the pattern does not match. */
  patternErrorMessage?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema | JsonSchema[];
  additionalItems?: boolean;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
}

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/**
 * A plain value as the validators read it (readText): text, or a number or
 * a boolean written bare, which keeps its spelling (`name: 010`, a node
 * named `true`). A pattern applies to text only.
 */
export const TEXT: JsonType[] = ['string', 'number', 'boolean'];

export function text(description: string, pattern?: { pattern: string; message: string }): JsonSchema {
  return { type: TEXT, description, ...(pattern ? { pattern: pattern.pattern, patternErrorMessage: pattern.message } : {}) };
}

/** Text that is more than white space. */
export const NOT_BLANK = { pattern: '\\S', message: 'must not be empty' };

/** The validators take an empty value (`routes:`) as a field left out. */
export function orNull(schema: JsonSchema): JsonSchema {
  const { type } = schema;
  // a null passes every branch of a oneOf (their `required` only binds objects), so it fails "exactly one": keep null outside
  const combined = ['oneOf', 'anyOf', 'allOf', 'not'].some((key) => key in schema);
  if (type === undefined || combined) return { anyOf: [schema, { type: 'null' }], ...(schema.description ? { description: schema.description } : {}) };
  return { ...schema, type: [...(Array.isArray(type) ? type : [type]), 'null'], ...(schema.enum ? { enum: [...schema.enum, null] } : {}) };
}

/**
 * A mapping of a validator's fields (its table, in its order): each one
 * described, no other allowed, the optional ones possibly empty.
 */
export function mapping<K extends string>(
  fields: readonly K[],
  schemas: Record<K, JsonSchema>,
  { required = [], description, ...rest }: { required?: readonly K[]; description?: string } & JsonSchema = {},
): JsonSchema {
  const properties = Object.fromEntries(fields.map((key) => [key, required.includes(key) ? schemas[key] : orNull(schemas[key])]));
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    ...(required.length ? { required: [...required] } : {}),
    additionalProperties: false,
    ...rest,
  };
}

/** The field is there and not empty: for "exactly one of" and "at least one of". */
export const given = (key: string): JsonSchema => ({ required: [key], properties: { [key]: { not: { type: 'null' } } } });

/** A whole-value pattern from an unanchored one. */
export const whole = (pattern: string) => `^(?:${pattern})$`;
