import { z } from 'zod';
import { ConfigError, ValidationError, type FieldIssue } from '../errors.js';
import { DEFAULT_MERCHANT, parseSandboxSettings, type SandboxOptions } from './options.js';

const integer = (rule: string) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, rule)
    .transform(Number);

const SANDBOX_DOCS = 'the settings table in src/sandbox/README.md';

/** Every key `npm run sandbox` reads. Unknown SANDBOX_* keys are refused (a typo, most likely). */
const envSchema = z
  .object({
    SANDBOX_PORT: integer('a port number 0-65535')
      .refine((n) => n <= 65_535, 'a port number 0-65535')
      .default(8787),
    SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
    SANDBOX_PLATFORM_ID: z.string().default(DEFAULT_MERCHANT.platformId),
    SANDBOX_SECRET: z.string().default(DEFAULT_MERCHANT.secret),
    SANDBOX_AUTH_TOKEN: z.string().default(DEFAULT_MERCHANT.authToken),
    SANDBOX_SIGN_MODE: z
      .enum(['md5', 'md5-key', 'hmac-sha256'], { error: 'one of md5, md5-key, hmac-sha256' })
      .default('md5'),
    SANDBOX_FEE_CENTS: integer('a whole number of cents').default(0),
    SANDBOX_SCHEDULE: z
      .enum(['timed', 'on-query'], { error: 'timed or on-query' })
      .default('timed'),
    SANDBOX_PENDING_AFTER_MS: integer('a whole number of milliseconds').default(1000),
    SANDBOX_PROCESSING_AFTER_MS: integer('a whole number of milliseconds').default(2000),
    SANDBOX_FINAL_AFTER_MS: integer('a whole number of milliseconds').default(3000),
    SANDBOX_CALLBACK_ATTEMPTS: integer('a whole number').default(10),
    SANDBOX_CALLBACK_INTERVAL_MS: integer('a whole number of milliseconds').default(5000),
    SANDBOX_CALLBACK_TIMEOUT_MS: integer('a whole number of milliseconds').default(10_000),
    SANDBOX_NUMBERS: z.enum(['number', 'string'], { error: 'number or string' }).default('number'),
    SANDBOX_ADMIN_TOKEN: z.string().min(1).optional(),
    SANDBOX_STATE_FILE: z.string().min(1).optional(),
  })
  .strict();

/** Where each settings field comes from, to name the key when a settings rule fails. */
const KEY_OF_FIELD: Readonly<Record<string, string>> = {
  port: 'SANDBOX_PORT',
  host: 'SANDBOX_HOST',
  'merchants.0.platformId': 'SANDBOX_PLATFORM_ID',
  'merchants.0.secret': 'SANDBOX_SECRET',
  'merchants.0.authToken': 'SANDBOX_AUTH_TOKEN',
  'merchants.0.signMode': 'SANDBOX_SIGN_MODE',
  'merchants.0.feeCents': 'SANDBOX_FEE_CENTS',
  'schedule.pendingAfterMs': 'SANDBOX_PENDING_AFTER_MS',
  'schedule.processingAfterMs': 'SANDBOX_PROCESSING_AFTER_MS',
  'schedule.finalAfterMs': 'SANDBOX_FINAL_AFTER_MS',
  'callbacks.attempts': 'SANDBOX_CALLBACK_ATTEMPTS',
  'callbacks.intervalMs': 'SANDBOX_CALLBACK_INTERVAL_MS',
  'callbacks.timeoutMs': 'SANDBOX_CALLBACK_TIMEOUT_MS',
  adminToken: 'SANDBOX_ADMIN_TOKEN',
  stateFile: 'SANDBOX_STATE_FILE',
};

/**
 * Reads the sandbox's settings from the environment. Empty values count as unset. Throws
 * {@link ConfigError} naming every bad key, never its value.
 */
export function parseSandboxEnv(env: Readonly<Record<string, string | undefined>>): SandboxOptions {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key.startsWith('SANDBOX_') && value !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.flatMap((issue): FieldIssue[] => {
        if (issue.code === 'unrecognized_keys')
          return issue.keys.map((key) => ({ field: key, rule: 'unknown key' }));
        return [{ field: issue.path.map(String).join('.'), rule: issue.message }];
      }),
      SANDBOX_DOCS,
    );
  }
  const e = parsed.data;
  const options: SandboxOptions = {
    host: e.SANDBOX_HOST,
    port: e.SANDBOX_PORT,
    merchants: [
      {
        platformId: e.SANDBOX_PLATFORM_ID,
        secret: e.SANDBOX_SECRET,
        authToken: e.SANDBOX_AUTH_TOKEN,
        signMode: e.SANDBOX_SIGN_MODE,
        feeCents: e.SANDBOX_FEE_CENTS,
      },
    ],
    schedule:
      e.SANDBOX_SCHEDULE === 'on-query'
        ? { mode: 'on-query' }
        : {
            mode: 'timed',
            pendingAfterMs: e.SANDBOX_PENDING_AFTER_MS,
            processingAfterMs: e.SANDBOX_PROCESSING_AFTER_MS,
            finalAfterMs: e.SANDBOX_FINAL_AFTER_MS,
          },
    callbacks: {
      attempts: e.SANDBOX_CALLBACK_ATTEMPTS,
      intervalMs: e.SANDBOX_CALLBACK_INTERVAL_MS,
      timeoutMs: e.SANDBOX_CALLBACK_TIMEOUT_MS,
    },
    numbers: e.SANDBOX_NUMBERS,
    ...(e.SANDBOX_ADMIN_TOKEN !== undefined ? { adminToken: e.SANDBOX_ADMIN_TOKEN } : {}),
    ...(e.SANDBOX_STATE_FILE !== undefined ? { stateFile: e.SANDBOX_STATE_FILE } : {}),
  };
  try {
    parseSandboxSettings(options);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ConfigError(
      error.issues.map((i) => ({ field: KEY_OF_FIELD[i.field] ?? i.field, rule: i.rule })),
      SANDBOX_DOCS,
    );
  }
  return options;
}
