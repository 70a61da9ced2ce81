/**
 * Validation of flag values, one function per rule. Each failure is a {@link UsageError} whose
 * message names the flag and the rule (never the value, which may be anything a person typed).
 */
import { PayoutStatus } from '../../workflows/api.js';
import { DISPUTE_REASON_IN_WORDS } from '../../workflows/dispute.js';
import { REASON_IN_WORDS } from '../../workflows/details.js';
import { DURATION_FORMS, parseDurationMs } from '../../vocabulary/duration.js';
import { merchantOrderIdRule, PLATFORM_ID_PATTERN } from '../../vocabulary/payout-request.js';
import { ConfigError } from '../errors.js';
import { UsageError } from './amount.js';

/** Every `PayoutStatus` value, in the order a payout passes through them. */
export const PAYOUT_STATUSES: readonly PayoutStatus[] = Object.values(PayoutStatus);

/** The reasons a payout (not a dispute) waits for a person with. */
export const PAYOUT_ESCALATION_REASONS: readonly string[] = Object.keys(REASON_IN_WORDS);

/** Every value of the `PayoutEscalation` search attribute: payout escalations, then disputes. */
export const ESCALATION_REASONS: readonly string[] = [
  ...PAYOUT_ESCALATION_REASONS,
  ...Object.keys(DISPUTE_REASON_IN_WORDS),
];

/** The default and the largest `--limit`. */
export const LIST_LIMIT = { default: 50, max: 1000 } as const;

/** A `PayoutStatus` in any case (`needs_review`, `Needs-Review` too). */
export function parseStatusFlag(text: string): PayoutStatus {
  const normal = text.trim().toUpperCase().replace(/-/g, '_');
  const found = PAYOUT_STATUSES.find((s) => s === normal);
  if (found === undefined)
    throw new UsageError(`--status: one of ${PAYOUT_STATUSES.join(', ')} (any case)`);
  return found;
}

/** An escalation or dispute reason in any case, e.g. `max-pending-exceeded`. */
export function parseReasonFlag(text: string): string {
  const normal = text.trim().toLowerCase().replace(/_/g, '-');
  const found = ESCALATION_REASONS.find((r) => r === normal);
  if (found === undefined)
    throw new UsageError(`--reason: one of ${ESCALATION_REASONS.join(', ')}`);
  return found;
}

/** A positive duration (`1h`, `30m`, `PT2H`), in milliseconds. */
export function parseDurationFlag(flag: string, text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`${flag}: a positive duration, ${DURATION_FORMS}`);
  return ms;
}

/** A whole number from 1 to {@link LIST_LIMIT}.max. */
export function parseLimitFlag(text: string): number {
  const n = /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= 1 && n <= LIST_LIMIT.max))
    throw new UsageError(`--limit: a whole number from 1 to ${LIST_LIMIT.max}`);
  return n;
}

/** A point in time with its offset, as ISO 8601 (`2026-12-03T09:00:00+08:00`). */
export function parseInstantFlag(flag: string, text: string): string {
  const t = text.trim();
  if (
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(t) ||
    Number.isNaN(Date.parse(t))
  )
    throw new UsageError(
      `${flag}: a time in ISO 8601 with its offset, e.g. 2026-12-03T09:00:00+08:00`,
    );
  return t;
}

/** A merchant order id, by the product's own rule (letters, digits, `_` and `-`, 1 to 32). */
export function parseOrderId(
  text: string | undefined,
  what = 'the payout id (merchant order id)',
): string {
  if (text === undefined || text === '') throw new UsageError(`${what} is required`);
  const rule = merchantOrderIdRule(text);
  if (rule !== undefined) throw new UsageError(`${what}: ${rule}`);
  return text;
}

/** The merchant the CLI serves (GATEWAY_PLATFORM_ID), by the product's rule; else a ConfigError (exit 1). */
export function parsePlatformId(text: string): string {
  if (!PLATFORM_ID_PATTERN.test(text))
    throw new ConfigError([{ field: 'GATEWAY_PLATFORM_ID', rule: 'letters and digits, 1-7' }]);
  return text;
}

/** A required text flag: present and not blank. */
export function requiredText(flag: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}
