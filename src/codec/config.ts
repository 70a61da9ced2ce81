import { presentValue, readTextFile } from '../config-keys.js';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, type FieldIssue, toFieldIssues } from '../errors.js';

/**
 * The keys of the payload codec. `current` encrypts every new payload; every key in `keys`
 * (`current` included) decrypts. Keys are `KeyObject`s, which print no key material.
 */
export interface PayloadKeyRing {
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, KeyObject>;
}

/** Validated payload codec settings: encrypt with a key ring, or (opted out) store plaintext. */
export type PayloadCodecConfig =
  { readonly mode: 'aes-256-gcm'; readonly keyRing: PayloadKeyRing } | { readonly mode: 'off' };

/** Injected for tests: how `PAYLOAD_CODEC_KEYS_FILE` is read. */
export interface PayloadCodecConfigDeps {
  readonly readFile?: (path: string) => string;
}

const KEY_SOURCES = ['PAYLOAD_CODEC_KEYS', 'PAYLOAD_CODEC_KEYS_FILE'] as const;

/** The env keys read by {@link parsePayloadCodecConfig}. */
/** Encrypted unless `PAYLOAD_CODEC=off` says otherwise. */
const DEFAULT_MODE = 'aes-256-gcm';

export const PAYLOAD_CODEC_CONFIG_KEYS = [
  {
    key: 'PAYLOAD_CODEC_KEYS',
    required: 'one-of',
    oneOf: KEY_SOURCES,
    meaning:
      'Payload keys, ID:BASE64 (32 bytes), comma-separated; the first encrypts, all decrypt (never logged)',
  },
  {
    key: 'PAYLOAD_CODEC_KEYS_FILE',
    required: 'one-of',
    oneOf: KEY_SOURCES,
    meaning: 'File holding the payload keys in the same form; commas or line breaks separate them',
  },
  {
    key: 'PAYLOAD_CODEC',
    required: false,
    default: DEFAULT_MODE,
    meaning:
      'off: no key needed, payloads (names, account numbers) stored in plaintext; for tests only',
  },
] as const;

/** Key ids: short and printable, since errors and the payload metadata name them. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Standard base64 of exactly 32 bytes. */
const KEY_BASE64 = /^[A-Za-z0-9+/]{43}=$/;

const modeSchema = z.object({
  PAYLOAD_CODEC: z
    .enum(['aes-256-gcm', 'off'], { error: 'aes-256-gcm or off' })
    .default(DEFAULT_MODE),
});

/**
 * Reads the payload codec settings from an env object (t3-env style): one {@link ConfigError}
 * names every bad key and why, never a value. Without a key the answer is a ConfigError, unless
 * `PAYLOAD_CODEC=off` says plaintext payloads are meant: a process that handles account numbers
 * must not store them readable by accident.
 */
export function parsePayloadCodecConfig(
  env: Readonly<Record<string, string | undefined>>,
  deps: PayloadCodecConfigDeps = {},
): PayloadCodecConfig {
  const readFile = deps.readFile ?? readTextFile;
  const present = (key: string): string | undefined => presentValue(env, key)?.trim() || undefined;
  const issues: FieldIssue[] = [];
  const mode = modeSchema.safeParse({ PAYLOAD_CODEC: present('PAYLOAD_CODEC') });
  if (!mode.success) issues.push(...toFieldIssues(mode.error));
  const off = mode.success && mode.data.PAYLOAD_CODEC === 'off';
  const direct = present('PAYLOAD_CODEC_KEYS');
  const path = present('PAYLOAD_CODEC_KEYS_FILE');

  if (off && (direct !== undefined || path !== undefined)) {
    // Keys and "off" together: one of them is a mistake, and guessing wrong stores plaintext.
    issues.push({ field: 'PAYLOAD_CODEC', rule: 'off cannot go with PAYLOAD_CODEC_KEYS(_FILE)' });
  } else if (direct !== undefined && path !== undefined) {
    issues.push({
      field: 'PAYLOAD_CODEC_KEYS',
      rule: 'set only one of PAYLOAD_CODEC_KEYS and PAYLOAD_CODEC_KEYS_FILE',
    });
  } else if (!off && direct === undefined && path === undefined) {
    issues.push({
      field: 'PAYLOAD_CODEC_KEYS',
      rule:
        'required: set PAYLOAD_CODEC_KEYS or PAYLOAD_CODEC_KEYS_FILE (npm run codec:keygen ' +
        'makes a key), or PAYLOAD_CODEC=off to store payloads in plaintext',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  if (off) return { mode: 'off' };

  if (path === undefined) {
    return { mode: 'aes-256-gcm', keyRing: parseKeyRing(direct ?? '', 'PAYLOAD_CODEC_KEYS') };
  }
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    // The errno code helps; the message would print the path, kept out like every value.
    const code = (error as { code?: unknown }).code;
    throw new ConfigError([
      {
        field: 'PAYLOAD_CODEC_KEYS_FILE',
        rule: `a readable file${typeof code === 'string' ? ` (${code})` : ''}`,
      },
    ]);
  }
  return { mode: 'aes-256-gcm', keyRing: parseKeyRing(text, 'PAYLOAD_CODEC_KEYS_FILE') };
}

/**
 * `id:base64,id:base64,...` (commas or line breaks): the first key is current. Issues name the
 * entry by position, and by id once the id itself is valid; a key is never echoed.
 */
export function parseKeyRing(text: string, field = 'PAYLOAD_CODEC_KEYS'): PayloadKeyRing {
  const entries = text
    .split(/[,\r\n]+/)
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const issues: FieldIssue[] = [];
  const keys = new Map<string, KeyObject>();
  entries.forEach((entry, index) => {
    const at = entry.indexOf(':');
    const id = at < 0 ? '' : entry.slice(0, at);
    const material = at < 0 ? '' : entry.slice(at + 1);
    if (!KEY_ID.test(id)) {
      issues.push({
        field,
        rule: `entry ${index + 1}: ID:BASE64, the id 1-64 letters, digits, '.', '_' or '-'`,
      });
    } else if (keys.has(id)) {
      issues.push({ field, rule: `key id ${id} appears twice` });
    } else if (!KEY_BASE64.test(material)) {
      issues.push({ field, rule: `key ${id}: 32 bytes in standard base64 (44 characters)` });
    } else {
      keys.set(id, createSecretKey(Buffer.from(material, 'base64')));
    }
  });
  const [first] = entries;
  if (first === undefined) issues.push({ field, rule: 'at least one key' });
  if (issues.length > 0) throw new ConfigError(issues);
  return { currentKeyId: (first ?? '').slice(0, (first ?? '').indexOf(':')), keys };
}

/** For a startup line: the mode and key ids, never a key. */
export function describePayloadCodecConfig(config: PayloadCodecConfig): Record<string, string> {
  return config.mode === 'off'
    ? { payloadCodec: 'off' }
    : {
        payloadCodec: config.mode,
        currentKeyId: config.keyRing.currentKeyId,
        decryptKeyIds: [...config.keyRing.keys.keys()].join(','),
      };
}
