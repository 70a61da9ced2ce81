import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parsePayloadCodecConfig } from '../../src/codec/index.js';
import { configErrorOf } from '../support/config-error.js';
import { newKey } from './support.js';

/** The ConfigError a bad environment throws. */
const configError = (env: Record<string, string | undefined>, readFile?: (p: string) => string) =>
  configErrorOf(() => parsePayloadCodecConfig(env, readFile ? { readFile } : {}));

const k1 = newKey();
const k2 = newKey();

describe('parsePayloadCodecConfig', () => {
  it('the first key encrypts, every key decrypts', () => {
    const config = parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS: `k2:${k2}, k1:${k1}` });
    if (config.mode !== 'aes-256-gcm') throw new Error('expected encryption');
    expect(config.keyRing.currentKeyId).toBe('k2');
    expect([...config.keyRing.keys.keys()]).toEqual(['k2', 'k1']);
    expect(config.keyRing.keys.get('k1')?.export().toString('base64')).toBe(k1);
  });

  it('reads a key file: one key a line, a trailing newline', () => {
    const read: string[] = [];
    const config = parsePayloadCodecConfig(
      { PAYLOAD_CODEC_KEYS_FILE: '/run/secrets/keys' },
      {
        readFile: (path) => {
          read.push(path);
          return `k2:${k2}\nk1:${k1}\n`;
        },
      },
    );
    expect(read).toEqual(['/run/secrets/keys']);
    expect(config).toMatchObject({ mode: 'aes-256-gcm', keyRing: { currentKeyId: 'k2' } });
  });

  it('PAYLOAD_CODEC=off is the one way to run without a key', () => {
    expect(parsePayloadCodecConfig({ PAYLOAD_CODEC: 'off' })).toEqual({ mode: 'off' });
  });

  it('prints no key: logging or serialising the parsed config shows no key material', () => {
    const config = parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS: `k1:${k1}` });
    const hex = Buffer.from(k1, 'base64').toString('hex');
    for (const shown of [JSON.stringify(config), inspect(config, { depth: null })]) {
      expect(shown).not.toContain(k1);
      expect(shown).not.toContain(hex);
    }
  });

  const fileWith = (text: string) => () => text;
  const garbage = `not-a-key-${randomBytes(8).toString('hex')}`;
  const cases: ReadonlyArray<{
    readonly why: string;
    readonly env: Record<string, string>;
    readonly file?: string;
    readonly field: string;
    readonly rule: RegExp;
    /** Values that must not appear in the message. */
    readonly hidden: readonly string[];
  }> = [
    {
      why: 'no key and no opt-out',
      env: {},
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /required.*PAYLOAD_CODEC=off/,
      hidden: [],
    },
    {
      why: 'blank values count as unset',
      env: { PAYLOAD_CODEC_KEYS: '  ', PAYLOAD_CODEC_KEYS_FILE: '' },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /required/,
      hidden: [],
    },
    {
      why: 'a value and a file',
      env: { PAYLOAD_CODEC_KEYS: `k1:${k1}`, PAYLOAD_CODEC_KEYS_FILE: '/secret/path' },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /only one/,
      hidden: [k1, '/secret/path'],
    },
    {
      why: 'off with keys',
      env: { PAYLOAD_CODEC: 'off', PAYLOAD_CODEC_KEYS: `k1:${k1}` },
      field: 'PAYLOAD_CODEC',
      rule: /off cannot go with/,
      hidden: [k1],
    },
    {
      why: 'an unknown mode',
      env: { PAYLOAD_CODEC: 'rot13-extra' },
      field: 'PAYLOAD_CODEC',
      rule: /aes-256-gcm or off/,
      hidden: ['rot13-extra'],
    },
    {
      why: 'an entry without an id',
      env: { PAYLOAD_CODEC_KEYS: k1 },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /entry 1: ID:BASE64/,
      hidden: [k1],
    },
    {
      why: 'an id with a space',
      env: { PAYLOAD_CODEC_KEYS: `my key:${k1}` },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /entry 1/,
      hidden: [k1, 'my key'],
    },
    {
      why: 'a key of 16 bytes',
      env: { PAYLOAD_CODEC_KEYS: `k1:${randomBytes(16).toString('base64')}` },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /key k1: 32 bytes/,
      hidden: [],
    },
    {
      why: 'a key that is not base64',
      env: { PAYLOAD_CODEC_KEYS: `k1:${garbage}` },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /key k1: 32 bytes in standard base64/,
      hidden: [garbage],
    },
    {
      why: 'the same id twice',
      env: { PAYLOAD_CODEC_KEYS: `k1:${k1},k1:${k2}` },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /key id k1 appears twice/,
      hidden: [k1, k2],
    },
    {
      why: 'only separators',
      env: { PAYLOAD_CODEC_KEYS: ' , ,' },
      field: 'PAYLOAD_CODEC_KEYS',
      rule: /at least one key/,
      hidden: [],
    },
    {
      why: 'a bad entry in a key file',
      env: { PAYLOAD_CODEC_KEYS_FILE: '/run/secrets/keys' },
      file: `k2:${k2}\nk1=${k1}\n`,
      field: 'PAYLOAD_CODEC_KEYS_FILE',
      rule: /entry 2/,
      hidden: [k1, k2, '/run/secrets/keys'],
    },
  ];

  for (const c of cases) {
    it(`names ${c.field} and prints no value: ${c.why}`, () => {
      const error = configError(c.env, c.file === undefined ? undefined : fileWith(c.file));
      expect(error.code).toBe('ERR_CONFIG');
      expect(error.issues.map((i) => i.field)).toContain(c.field);
      expect(error.issues.find((i) => i.field === c.field)?.rule).toMatch(c.rule);
      expect(error.message).toContain(c.field);
      for (const value of c.hidden) expect(error.message).not.toContain(value);
    });
  }

  it('names every bad entry at once', () => {
    const error = configError({ PAYLOAD_CODEC_KEYS: `k3:${k1},:${k2},k1:short,k3:${k2}` });
    expect(error.issues.map((i) => i.rule)).toEqual([
      expect.stringMatching(/^entry 2/),
      expect.stringMatching(/^key k1:/),
      expect.stringMatching(/^key id k3 appears twice/),
    ]);
    for (const value of [k1, k2, 'short']) expect(error.message).not.toContain(value);
  });

  it('an unreadable key file: the errno, not the path', () => {
    const error = configError({ PAYLOAD_CODEC_KEYS_FILE: '/nowhere/keys' }, () => {
      throw Object.assign(new Error('ENOENT: no such file, open /nowhere/keys'), {
        code: 'ENOENT',
      });
    });
    expect(error.issues).toEqual([
      { field: 'PAYLOAD_CODEC_KEYS_FILE', rule: 'a readable file (ENOENT)' },
    ]);
    expect(error.message).not.toContain('/nowhere');
  });
});
