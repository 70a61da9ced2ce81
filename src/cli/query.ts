/**
 * Temporal visibility queries, built from validated values only. Every value goes through
 * {@link quote}, so no text from the command line is ever spliced into the query raw.
 */
import {
  PAYOUT_WORKFLOW_TYPE,
  PayoutEscalationKey,
  PayoutStatusKey,
  PlatformIdKey,
} from '../../workflows/api.js';
import type { ListFilters } from './args.js';

/**
 * A string literal for a visibility query: double quotes, `\` and `"` escaped. Refuses control
 * characters (a line break could end the literal in some parsers) and text over 256 characters.
 */
export function quote(value: string): string {
  if (value.length > 256 || [...value].some(isControl))
    throw new RangeError('a visibility query value: at most 256 characters, no control characters');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The merchant's payouts and disputes: everything with a `PayoutStatus`. */
export function merchantQuery(platformId: string): string {
  // A run continued as new keeps its last PayoutStatus; only the latest run is the payout.
  return `${PlatformIdKey.name} = ${quote(platformId)} AND ${PayoutStatusKey.name} IS NOT NULL AND ExecutionStatus != "ContinuedAsNew"`;
}

/** The merchant's payouts only, without their disputes (which carry a PayoutStatus too). */
export function payoutsQuery(platformId: string): string {
  return `${merchantQuery(platformId)} AND WorkflowType = ${quote(PAYOUT_WORKFLOW_TYPE)}`;
}

/**
 * The query behind `list`: the merchant's payouts, then the filters (AND): status, escalation
 * reason, started before `now - olderThanMs`.
 */
export function listQuery(platformId: string, filters: ListFilters, now: Date): string {
  const clauses = [merchantQuery(platformId)];
  if (filters.status !== undefined)
    clauses.push(`${PayoutStatusKey.name} = ${quote(filters.status)}`);
  if (filters.reason !== undefined)
    clauses.push(`${PayoutEscalationKey.name} = ${quote(filters.reason)}`);
  if (filters.olderThanMs !== undefined) {
    const before = new Date(now.getTime() - filters.olderThanMs).toISOString();
    clauses.push(`StartTime < ${quote(before)}`);
  }
  return clauses.join(' AND ');
}

/** One `PayoutStatus` value among the merchant's payouts (for counting). */
export function statusCountQuery(platformId: string, status: string): string {
  return `${payoutsQuery(platformId)} AND ${PayoutStatusKey.name} = ${quote(status)}`;
}

/** One escalation reason among the merchant's payouts waiting for a person (for counting). */
export function reasonCountQuery(platformId: string, reason: string): string {
  return `${statusCountQuery(platformId, 'NEEDS_REVIEW')} AND ${PayoutEscalationKey.name} = ${quote(reason)}`;
}

function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}
