import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, toFieldIssues } from './errors.js';

/**
 * One table per process: each environment key with its default, its meaning and its rule. The
 * parser, the README tables and the compose test all read the same table, so a default is
 * written once.
 */

/** One environment key: documented, defaulted and checked from this one entry. */
export interface EnvKey<S extends z.ZodType = z.ZodType> {
  readonly key: string;
  /** Default, as the environment would spell it; without one the key is optional (undefined). */
  readonly default?: string;
  /** Must be set (no default then). */
  readonly required?: true;
  readonly meaning: string;
  /** Checks and converts the trimmed value (the default when unset or blank). */
  readonly schema: S;
}

/** The value a table parses to, by key. */
export type EnvValues<K extends readonly EnvKey[]> = {
  [E in K[number] as E['key']]: z.output<E['schema']>;
};

/** Declares a table; `as const` keeps each key's name and schema in the types. */
export function envKeys<const K extends readonly EnvKey[]>(keys: K): K {
  return keys;
}

/**
 * Parses `env` by the table. Unset and blank count alike: the default applies. Throws one
 * {@link ConfigError} naming every bad key and its rule, never a value.
 */
export function parseEnv<const K extends readonly EnvKey[]>(
  keys: K,
  env: Readonly<Record<string, string | undefined>>,
  docs?: string,
): EnvValues<K> {
  const shape: Record<string, z.ZodType> = {};
  for (const k of keys) {
    const text = z
      .string()
      .optional()
      .transform((v) => (v === undefined || v.trim() === '' ? k.default : v.trim()));
    // Each schema reads the text (or undefined when optional and unset): typed per key above.
    const schema = k.schema as z.ZodType<unknown, string | undefined>;
    shape[k.key] = k.required
      ? text.pipe(z.string({ error: 'required' })).pipe(schema as z.ZodType<unknown, string>)
      : text.pipe(schema);
  }
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) throw new ConfigError(toFieldIssues(parsed.error), docs);
  return parsed.data as EnvValues<K>;
}

/** The documentation rows of a table (see `configTable` in src/config-docs.ts). */
export function documentedKeys(keys: readonly EnvKey[]) {
  return keys.map((k) => ({
    key: k.key,
    required: k.required === true,
    ...(k.default === undefined ? {} : { default: k.default }),
    meaning: k.meaning,
  }));
}

/** A TCP port, 1 to 65535. */
export const portSchema = z
  .string()
  .regex(/^\d{1,5}$/, 'a port number')
  .transform(Number)
  .pipe(z.number().min(1, 'a port number').max(65_535, 'a port number'));

/** A port a server listens on: 0 picks a free one (tests, one-off runs). */
export const listenPortSchema = z
  .string()
  .regex(/^\d{1,5}$/, 'a port number')
  .transform(Number)
  .pipe(z.number().max(65_535, 'a port number'));

/** A host name or IP address to bind or reach. */
export const hostSchema = z.string().regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address');

/** A whole number in `[min, max]`, with its unit in the rule. */
export const wholeNumberSchema = (min: number, max: number, unit: string) =>
  z
    .string()
    .regex(/^\d{1,10}$/, `a whole number of ${unit}`)
    .transform(Number)
    .pipe(z.number().min(min, `at least ${min}`).max(max, `at most ${max}`));

/** Free text, as given. */
export const textSchema = z.string();

/** A key's value, or undefined when it is unset or empty (an empty value counts as unset). */
export function presentValue(
  env: Readonly<Record<string, string | undefined>>,
  key: string,
): string | undefined {
  const value = env[key];
  return value === undefined || value === '' ? undefined : value;
}

/** How a `*_FILE` key's file is read, unless a test injects another reader. */
export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}
