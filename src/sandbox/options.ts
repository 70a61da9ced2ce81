import { z } from 'zod';
import { ValidationError, toFieldIssues } from '../errors.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import type { SandboxClock } from './clock.js';
import { demoRules } from './demo-rules.js';
import type { SandboxLogger } from './logger.js';
import { rulesSchema } from './scenario.js';

/** The docs' test merchant; the token is the sandbox's own (the docs publish none). */
export const DEFAULT_MERCHANT = {
  platformId: 'PF0002',
  secret: 'ThisIsYourSecretKey123',
  authToken: 'SandboxAuthToken-PF0002',
  signMode: 'md5',
} as const satisfies SandboxMerchant;

/**
 * A merchant of its own for one harness (`tag`: e2e, soak, bench), so runs of different
 * harnesses never mix credentials; test credentials, MD5 signs.
 */
export function harnessMerchant(platformId: string, tag: string): SandboxMerchant {
  return {
    platformId,
    secret: `${tag}-signing-secret-${platformId}`,
    authToken: `${tag}-query-token-${platformId}`,
    signMode: 'md5',
  };
}

/** The merchant the sandbox serves: its signing secret, query token and sign mode. */
export interface SandboxMerchant {
  readonly platformId: string;
  readonly secret: string;
  readonly authToken: string;
  readonly signMode: SignMode;
}

const ms = (what: string) =>
  z
    .number({ error: `${what}: a whole number of milliseconds` })
    .int('a whole number of milliseconds')
    .min(0, 'must not be negative')
    .max(86_400_000, 'at most a day');

const merchantSchema = z
  .object({
    platformId: z
      .string({ error: 'required, a string' })
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -, at most 32'),
    secret: z.string({ error: 'required, a string' }).min(1, 'must not be empty'),
    authToken: z.string({ error: 'required, a string' }).min(1, 'must not be empty'),
    signMode: z.enum(['md5', 'md5-key', 'hmac-sha256'], {
      error: 'one of md5, md5-key, hmac-sha256',
    }),
  })
  .strict();

/**
 * How orders move through scheduled (0) -> pending (1) -> processing (2) -> final on their own.
 * `timed`: at these offsets from creation (the final step only for scenarios that follow the
 * schedule). `on-query`: each answered query moves the order one step on, after the answer.
 */
export const scheduleSchema = z.discriminatedUnion(
  'mode',
  [
    z
      .object({
        mode: z.literal('timed'),
        pendingAfterMs: ms('pendingAfterMs').default(1000),
        processingAfterMs: ms('processingAfterMs').default(2000),
        finalAfterMs: ms('finalAfterMs').default(3000),
      })
      .strict()
      .refine((s) => s.pendingAfterMs <= s.processingAfterMs, {
        path: ['processingAfterMs'],
        message: 'must not be before pendingAfterMs',
      })
      .refine((s) => s.processingAfterMs <= s.finalAfterMs, {
        path: ['finalAfterMs'],
        message: 'must not be before processingAfterMs',
      }),
    z.object({ mode: z.literal('on-query') }).strict(),
  ],
  { error: 'mode must be timed or on-query' },
);
export type Schedule = z.infer<typeof scheduleSchema>;

/** How callbacks are delivered: attempts until the receiver answers `{"error_code":"0000"}`. */
export const callbackDeliverySchema = z
  .object({
    attempts: z.number().int('a whole number').min(1, 'at least 1').max(100).default(10),
    intervalMs: ms('intervalMs').default(5000),
    timeoutMs: ms('timeoutMs').min(1, 'at least 1').default(10_000),
  })
  .strict();

/** The data part of the sandbox's options (what zod validates). */
export const sandboxSettingsSchema = z
  .object({
    host: z.string({ error: 'a host name or address' }).min(1).default('127.0.0.1'),
    port: z.number().int('a whole number').min(0).max(65_535).default(0),
    merchant: merchantSchema.default(DEFAULT_MERCHANT),
    schedule: scheduleSchema.prefault({ mode: 'timed' }),
    rules: rulesSchema.optional(),
    callbacks: callbackDeliverySchema.prefault({}),
    /** Where orders and records are saved across restarts; absent: in memory only. */
    stateFile: z.string({ error: 'a file path' }).min(1, 'must not be empty').optional(),
  })
  .strict();

/** The validated settings, defaults filled in. */
export type SandboxSettings = Omit<z.infer<typeof sandboxSettingsSchema>, 'rules'> & {
  readonly rules: z.infer<typeof rulesSchema>;
};

/**
 * Options of {@link startSandboxGateway}: the settings (absent `rules`: the demo rules; absent
 * `stateFile`: orders in memory only), the clock (default the system clock) and a logger.
 */
export type SandboxOptions = z.input<typeof sandboxSettingsSchema> & {
  readonly clock?: SandboxClock;
  readonly logger?: SandboxLogger;
};

/** Validates the data part of the options; throws {@link ValidationError} naming each field. */
export function parseSandboxSettings(options: SandboxOptions): SandboxSettings {
  const { clock: _clock, logger: _logger, ...data } = options;
  const result = sandboxSettingsSchema.safeParse(data);
  if (!result.success) throw new ValidationError('sandbox options', toFieldIssues(result.error));
  return { ...result.data, rules: result.data.rules ?? demoRules() };
}
