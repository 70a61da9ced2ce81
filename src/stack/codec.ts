/**
 * The local stack's payload encryption. `npm start` without a configured key keeps one in its
 * data directory, made once and then reused: the dev server's SQLite file holds payouts
 * encrypted with it, and a restart that lost it could read none of them.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parsePayloadCodecConfig, type PayloadCodecConfig } from '../codec/config.js';
import { parseCodecServerConfig, type CodecServerConfig } from '../codec/server-config.js';
import type { Logger } from '../log.js';

/** The key file's name in the data directory; it holds `id:base64` as PAYLOAD_CODEC_KEYS does. */
export const STACK_KEY_FILE = 'payload-codec.key';

const CODEC_KEYS = ['PAYLOAD_CODEC', 'PAYLOAD_CODEC_KEYS', 'PAYLOAD_CODEC_KEYS_FILE'] as const;

/** True when the environment says anything about the payload codec: then it decides alone. */
export function codecConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return CODEC_KEYS.some((key) => (env[key] ?? '').trim() !== '');
}

/**
 * Returns the path of the data directory's key file, creating it (mode 0600, a fresh random
 * 32-byte key) when there is none. An existing file is never rewritten, even a broken one: the
 * codec config reports it, and replacing it would orphan the history it encrypted.
 */
export function ensureStackCodecKey(
  dataDir: string,
  deps: { readonly now?: () => Date } = {},
): { readonly path: string; readonly created: boolean } {
  const path = join(dataDir, STACK_KEY_FILE);
  const day = (deps.now?.() ?? new Date()).toISOString().slice(0, 10).replace(/-/g, '');
  let fd: number;
  try {
    // O_EXCL: two stacks starting at once cannot both write a key.
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') return { path, created: false };
    throw error;
  }
  try {
    writeSync(fd, `local-${day}:${randomBytes(32).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { path, created: true };
}

/** Loopback hosts: the address of a local stack's dev server. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/;

/**
 * The environment for a command-line tool on this machine (`npm run payout`): when nothing
 * configures the codec and Temporal is the local stack's (no TEMPORAL_ADDRESS, or a loopback
 * one), the local stack's key file, if it exists. A remote Temporal never gets this key: a tool
 * that encrypted with it would start payouts no worker could read.
 */
export function withLocalStackKey(
  env: Readonly<Record<string, string | undefined>>,
  projectRoot: string,
  exists: (path: string) => boolean = existsSync,
): Readonly<Record<string, string | undefined>> {
  if (codecConfigured(env)) return env;
  const address = (env['TEMPORAL_ADDRESS'] ?? '').trim();
  if (address !== '' && !LOOPBACK.test(address)) return env;
  const dataDir = (env['STACK_DATA_DIR'] ?? '').trim() || '.data';
  const path = join(isAbsolute(dataDir) ? dataDir : resolve(projectRoot, dataDir), STACK_KEY_FILE);
  return exists(path) ? { ...env, PAYLOAD_CODEC_KEYS_FILE: path } : env;
}

/** The stack's codec settings, checked before any service starts. */
export interface StackCodec {
  readonly codec: PayloadCodecConfig;
  /** The codec server the stack runs (unless the codec is off): loopback, the UI's origins. */
  readonly server: CodecServerConfig;
  readonly url: string;
}

/**
 * Adds the data directory's key to `env` (the services' environment) unless it configures the
 * codec itself, then parses the codec and codec server settings: a bad key stops the stack here.
 */
export function prepareStackCodec(
  env: NodeJS.ProcessEnv,
  options: { readonly dataDir: string; readonly uiPort: number; readonly log: Logger },
): StackCodec {
  if (!codecConfigured(env)) {
    const key = ensureStackCodecKey(options.dataDir);
    // A path, not the key: the services' environment is visible to more tools than the file.
    env['PAYLOAD_CODEC_KEYS_FILE'] = key.path;
    options.log.info(`${key.created ? 'created the payload key' : 'payload key'}: ${key.path}`);
  }
  const codec = parsePayloadCodecConfig(env);
  const uiOrigins = [`http://localhost:${options.uiPort}`, `http://127.0.0.1:${options.uiPort}`];
  const server = parseCodecServerConfig({
    ...env,
    CODEC_HOST: '127.0.0.1',
    CODEC_CORS_ORIGINS: env['CODEC_CORS_ORIGINS'] || uiOrigins.join(','),
  });
  return { codec, server, url: `http://127.0.0.1:${server.port}` };
}
