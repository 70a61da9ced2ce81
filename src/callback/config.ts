import { z } from 'zod';
import {
  envKeys,
  hostSchema,
  parseEnv,
  listenPortSchema,
  wholeNumberSchema,
} from '../config-keys.js';

/** Where the callback receiver listens. */
export interface CallbackServerConfig {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly maxBodyBytes: number;
}

/** The env keys read by {@link parseCallbackServerConfig}: defaults, rules and docs in one place. */
export const CALLBACK_CONFIG_KEYS = envKeys([
  {
    key: 'CALLBACK_HOST',
    default: '127.0.0.1',
    meaning: 'interface the callback receiver binds (0.0.0.0 in a container)',
    schema: hostSchema,
  },
  {
    key: 'CALLBACK_PORT',
    default: '8788',
    meaning: 'port of the callback receiver',
    schema: listenPortSchema,
  },
  {
    key: 'CALLBACK_PATH',
    default: '/callbacks/payout',
    meaning: 'path behind GATEWAY_NOTIFY_URL',
    schema: z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'a path starting with /'),
  },
  {
    key: 'CALLBACK_MAX_BODY_BYTES',
    default: '16384',
    meaning: 'largest callback body accepted',
    schema: wholeNumberSchema(1024, 1_048_576, 'bytes'),
  },
] as const);

/** Parses the receiver's settings from an env object; throws {@link ConfigError} naming bad keys. */
export function parseCallbackServerConfig(
  env: Readonly<Record<string, string | undefined>>,
): CallbackServerConfig {
  const e = parseEnv(CALLBACK_CONFIG_KEYS, env);
  return {
    host: e.CALLBACK_HOST,
    port: e.CALLBACK_PORT,
    path: e.CALLBACK_PATH,
    maxBodyBytes: e.CALLBACK_MAX_BODY_BYTES,
  };
}
