import type { PayoutNotification, QueryOutcome, SubmitOutcome } from '../src/gateway/types.js';
import type { DecisionChannel, DecisionRule, OperatorDecision } from './decisions.js';
import type { EscalationKind, EscalationReason, PayoutStatus, SubmitOrigin } from './types.js';

/** A callback as recorded: everything but the raw `fields` (the receiver already verified them). */
export type CallbackSummary = Omit<PayoutNotification, 'fields'>;

/**
 * What a callback did: `new` (first time this payout id and status code were seen), `duplicate`
 * (seen before: changes nothing), `stale` (a non-final status after a final callback: changes
 * nothing).
 */
export type CallbackNote = 'new' | 'duplicate' | 'stale';

/** One fact the workflow observed or did. */
export type EvidenceBody =
  | { readonly kind: 'submit'; readonly origin: SubmitOrigin; readonly outcome: SubmitOutcome }
  /** The submit activity itself failed (crash, timeout): the create may have reached the gateway. */
  | { readonly kind: 'submit-failed'; readonly origin: SubmitOrigin; readonly detail: string }
  | { readonly kind: 'query'; readonly outcome: QueryOutcome }
  /** The status query activity failed after its retries: "query unavailable". */
  | { readonly kind: 'query-failed'; readonly detail: string }
  | {
      readonly kind: 'callback';
      readonly note: CallbackNote;
      readonly notification: CallbackSummary;
    }
  /** A callback signal whose payload did not pass the schema: ignored. */
  | { readonly kind: 'callback-invalid'; readonly issues: readonly string[] }
  | {
      readonly kind: 'decision';
      readonly via: DecisionChannel;
      readonly accepted: true;
      readonly decision: OperatorDecision;
    }
  | {
      readonly kind: 'decision';
      readonly via: DecisionChannel;
      readonly accepted: false;
      readonly rule: DecisionRule;
      readonly message: string;
      /** What could be read of the rejected input (strings cut to 200 characters). */
      readonly action: string | null;
      readonly operatorId: string | null;
    }
  | {
      readonly kind: 'escalation';
      readonly reason: EscalationReason;
      readonly escalationKind: EscalationKind;
      readonly detail: string;
    }
  | { readonly kind: 'status'; readonly from: PayoutStatus; readonly to: PayoutStatus }
  | { readonly kind: 'continued-as-new'; readonly run: number };

/** An evidence entry: `seq` counts from 1 over the payout's whole life, `at` is ISO 8601. */
export type EvidenceEntry = EvidenceBody & { readonly seq: number; readonly at: string };

/**
 * The evidence log, capped: the first `head` entries and the latest `tail` ones are kept, the
 * ones in between are dropped and counted, so a payout pending for a week stays small. The gap is
 * visible in `seq`.
 */
export interface EvidenceLog {
  readonly entries: readonly EvidenceEntry[];
  /** Entries dropped from the middle of the log. */
  readonly dropped: number;
  /** Entries ever recorded (the last `seq`). */
  readonly total: number;
}

/** Sizes of the kept head and tail. */
export interface EvidenceLimits {
  readonly evidenceHead: number;
  readonly evidenceTail: number;
}

/** An empty log. */
export const EMPTY_EVIDENCE: EvidenceLog = { entries: [], dropped: 0, total: 0 };

/** Returns a new log with `body` appended at time `at` (ms since the epoch), capped to `limits`. */
export function appendEvidence(
  log: EvidenceLog,
  body: EvidenceBody,
  at: number,
  limits: EvidenceLimits,
): EvidenceLog {
  const entry: EvidenceEntry = { ...body, seq: log.total + 1, at: new Date(at).toISOString() };
  const entries = [...log.entries, entry];
  let dropped = log.dropped;
  const head = Math.max(1, limits.evidenceHead);
  const tail = Math.max(1, limits.evidenceTail);
  while (entries.length > head + tail) {
    // The oldest entry after the head goes; the head (first submit and first checks) stays.
    entries.splice(head, 1);
    dropped += 1;
  }
  return { entries, dropped, total: entry.seq };
}
