import { z } from 'zod';
import { envKeys, parseEnv } from '../config-keys.js';
import { DURATION_FORMS, parseDurationMs } from '../../vocabulary/duration.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const duration = (min: number, max: number) =>
  z
    .string()
    .transform((v) => parseDurationMs(v))
    .refine((ms) => ms !== undefined && ms >= min && ms <= max, {
      message: `a duration (${DURATION_FORMS}) from ${min / MINUTE} minutes to ${max / DAY} days`,
    })
    .transform((ms) => ms as number);

/** The reconciliation schedule's keys, read by the worker. */
export const RECONCILE_CONFIG_KEYS = envKeys([
  {
    key: 'RECONCILE_EVERY',
    default: '1h',
    meaning:
      'how often the reconciliation schedule runs (each run compares the last two intervals of gateway orders); `off`: the worker leaves the schedule alone',
    schema: z.union([z.literal('off').transform(() => null), duration(5 * MINUTE, DAY)], {
      error: `off, or a duration (${DURATION_FORMS}) from 5 minutes to 1 day`,
    }),
  },
  {
    key: 'RECONCILE_STALE_AFTER',
    default: '2h',
    meaning: 'a running payout started longer ago than this is checked against the gateway',
    schema: duration(10 * MINUTE, 30 * DAY),
  },
] as const);

/** The reconciliation schedule as configured; `everyMs` null: not managed by this worker. */
export interface ReconcileConfig {
  readonly everyMs: number | null;
  readonly staleAfterMs: number;
}

/** Parses `RECONCILE_*` from an env object; throws `ConfigError` naming bad keys. */
export function parseReconcileConfig(
  env: Readonly<Record<string, string | undefined>>,
): ReconcileConfig {
  const e = parseEnv(RECONCILE_CONFIG_KEYS, env);
  return { everyMs: e.RECONCILE_EVERY, staleAfterMs: e.RECONCILE_STALE_AFTER };
}
