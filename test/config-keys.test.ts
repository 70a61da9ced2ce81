import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../src/errors.js';
import { documentedKeys, envKeys, parseEnv, portSchema } from '../src/config-keys.js';

const KEYS = envKeys([
  { key: 'APP_PORT', default: '8080', meaning: 'port', schema: portSchema },
  { key: 'APP_NAME', required: true, meaning: 'name', schema: z.string().min(3, 'at least 3') },
  { key: 'APP_NOTE', meaning: 'optional note', schema: z.string().optional() },
] as const);

describe('parseEnv: one table gives defaults, rules and docs', () => {
  it('applies the default when a key is unset or blank, and trims values', () => {
    expect(parseEnv(KEYS, { APP_NAME: ' shop ' })).toEqual({
      APP_PORT: 8080,
      APP_NAME: 'shop',
      APP_NOTE: undefined,
    });
    expect(parseEnv(KEYS, { APP_PORT: '  ', APP_NAME: 'shop', APP_NOTE: 'x' })).toMatchObject({
      APP_PORT: 8080,
      APP_NOTE: 'x',
    });
  });

  it('names every bad key with its rule, never the value', () => {
    const error = (() => {
      try {
        parseEnv(KEYS, { APP_PORT: '99999-secret', APP_NAME: 'ab' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { field: 'APP_PORT', rule: 'a port number' },
      { field: 'APP_NAME', rule: 'at least 3' },
    ]);
    expect((error as Error).message).not.toContain('99999-secret');
  });

  it('a required key that is unset or blank is "required"', () => {
    for (const env of [{}, { APP_NAME: ' ' }]) {
      expect(() => parseEnv(KEYS, env)).toThrow('APP_NAME (required)');
    }
  });

  it('documents each key with the same default the parser applies', () => {
    expect(documentedKeys(KEYS)).toEqual([
      { key: 'APP_PORT', required: false, default: '8080', meaning: 'port' },
      { key: 'APP_NAME', required: true, meaning: 'name' },
      { key: 'APP_NOTE', required: false, meaning: 'optional note' },
    ]);
  });
});
