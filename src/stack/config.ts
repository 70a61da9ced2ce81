import { z } from 'zod';
import { ConfigError, toFieldIssues } from '../errors.js';

/** Settings of the local stack (`npm start`); the services keep their own keys. */
export interface StackConfig {
  /** Set: use this Temporal instead of starting a dev server. */
  readonly externalTemporal: boolean;
  /** Set: use the configured gateway instead of starting the sandbox. */
  readonly externalGateway: boolean;
  readonly temporalPort: number;
  readonly temporalUiPort: number;
  readonly sandboxPort: number;
  readonly callbackPort: number;
  readonly dataDir: string;
}

/** The env keys read by {@link parseStackConfig}. */
export const STACK_CONFIG_KEYS = [
  {
    key: 'STACK_TEMPORAL_PORT',
    required: false,
    default: '7233',
    meaning: 'gRPC port of the local Temporal dev server',
  },
  {
    key: 'STACK_TEMPORAL_UI_PORT',
    required: false,
    default: '8233',
    meaning: 'port of the Temporal Web UI',
  },
  {
    key: 'STACK_SANDBOX_PORT',
    required: false,
    default: '8787',
    meaning: 'port of the sandbox gateway',
  },
  {
    key: 'STACK_DATA_DIR',
    required: false,
    default: '.data',
    meaning: 'where the dev server and the sandbox keep their state between runs',
  },
] as const;

const port = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(
      z
        .string()
        .regex(/^\d{1,5}$/, 'a port number')
        .transform(Number)
        .pipe(z.number().min(1, 'a port number').max(65_535, 'a port number')),
    );

const schema = z.object({
  STACK_TEMPORAL_PORT: port(7233),
  STACK_TEMPORAL_UI_PORT: port(8233),
  STACK_SANDBOX_PORT: port(8787),
  CALLBACK_PORT: port(8788),
  STACK_DATA_DIR: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '.data' : v.trim())),
});

/** Parses the stack's settings; throws {@link ConfigError} naming the bad keys. */
export function parseStackConfig(env: Readonly<Record<string, string | undefined>>): StackConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(toFieldIssues(parsed.error));
  const e = parsed.data;
  const set = (key: string) => (env[key] ?? '').trim() !== '';
  return {
    externalTemporal: set('TEMPORAL_ADDRESS'),
    externalGateway: set('GATEWAY_BASE_URL'),
    temporalPort: e.STACK_TEMPORAL_PORT,
    temporalUiPort: e.STACK_TEMPORAL_UI_PORT,
    sandboxPort: e.STACK_SANDBOX_PORT,
    callbackPort: e.CALLBACK_PORT,
    dataDir: e.STACK_DATA_DIR,
  };
}
