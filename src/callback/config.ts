import { z } from 'zod';
import { ConfigError, toFieldIssues } from '../errors.js';

/** Where the callback receiver listens. */
export interface CallbackServerConfig {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly maxBodyBytes: number;
}

/** The env keys read by {@link parseCallbackServerConfig}. */
export const CALLBACK_CONFIG_KEYS = [
  {
    key: 'CALLBACK_HOST',
    required: false,
    default: '127.0.0.1',
    meaning: 'interface the callback receiver binds (0.0.0.0 in a container)',
  },
  {
    key: 'CALLBACK_PORT',
    required: false,
    default: '8788',
    meaning: 'port of the callback receiver',
  },
  {
    key: 'CALLBACK_PATH',
    required: false,
    default: '/callbacks/payout',
    meaning: 'path behind GATEWAY_NOTIFY_URL',
  },
  {
    key: 'CALLBACK_MAX_BODY_BYTES',
    required: false,
    default: '16384',
    meaning: 'largest callback body accepted',
  },
] as const;

const withDefault = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : v.trim()));

const schema = z.object({
  CALLBACK_HOST: withDefault('127.0.0.1').pipe(
    z.string().regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address'),
  ),
  CALLBACK_PORT: withDefault('8788').pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, 'a port number')
      .transform(Number)
      .pipe(z.number().max(65_535, 'a port number')),
  ),
  CALLBACK_PATH: withDefault('/callbacks/payout').pipe(
    z.string().regex(/^\/[A-Za-z0-9/_.-]*$/, 'a path starting with /'),
  ),
  CALLBACK_MAX_BODY_BYTES: withDefault('16384').pipe(
    z
      .string()
      .regex(/^\d{1,7}$/, 'a whole number of bytes')
      .transform(Number)
      .pipe(z.number().min(1024, 'at least 1024').max(1_048_576, 'at most 1048576')),
  ),
});

/** Parses the receiver's settings from an env object; throws {@link ConfigError} naming bad keys. */
export function parseCallbackServerConfig(
  env: Readonly<Record<string, string | undefined>>,
): CallbackServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(toFieldIssues(parsed.error));
  const e = parsed.data;
  return {
    host: e.CALLBACK_HOST,
    port: e.CALLBACK_PORT,
    path: e.CALLBACK_PATH,
    maxBodyBytes: e.CALLBACK_MAX_BODY_BYTES,
  };
}
