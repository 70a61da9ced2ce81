import type { GatewayPayoutState, QueryOutcome } from '../src/gateway/types.js';
import { EMPTY_EVIDENCE, type EvidenceLog } from './evidence.js';
import type { PayoutPolicy } from './policy.js';
import type {
  Escalation,
  PayoutResult,
  PayoutStatus,
  RejectedDecision,
  Resolution,
  SubmitOrigin,
} from './types.js';

/** A final callback that waits for a query to confirm it. */
export interface PendingCallback {
  readonly payoutId: string;
  readonly state: GatewayPayoutState;
  /** Queries since the callback that reported a non-final state. */
  readonly confirmations: number;
}

/**
 * Everything the decision function knows about one payout. Plain JSON, so it is carried as is
 * through continue-as-new. Times are milliseconds since the epoch (workflow time).
 */
export interface PayoutState {
  readonly version: 1;
  readonly status: PayoutStatus;
  readonly merchantOrderId: string;
  readonly platformId: string;
  readonly amountCents: number;
  /** When the first run started. */
  readonly startedAt: number;
  /** Continue-as-new count. */
  readonly run: number;
  /** The activity the driver is running: at most one at a time. */
  readonly inFlight: 'none' | 'submit' | 'query';
  /** Create calls issued. */
  readonly submits: number;
  readonly lastSubmit: {
    readonly origin: SubmitOrigin;
    readonly result: 'accepted' | 'rejected' | 'unknown';
    readonly at: number;
  } | null;
  /** Set while the latest submit was rejected and no query has found the order. */
  readonly rejection: { readonly code: string; readonly message: string } | null;
  /** Start of the not-found grace window (an unknown or accepted submit), else `null`. */
  readonly notFoundGraceFrom: number | null;
  readonly payoutId: string | null;
  readonly gatewayState: GatewayPayoutState | null;
  readonly gatewayStatusCode: number | null;
  /** Kind of the latest query answer (`failed` = the activity failed after its retries). */
  readonly lastQuery: QueryOutcome['kind'] | 'failed' | null;
  /** The gateway reported the order (by a query or a verified callback) at some point. */
  readonly orderSeen: boolean;
  /** Highest progress rank a query reported since the last reset (see `progressRank`). */
  readonly highestRank: number | null;
  /** Status queries completed. */
  readonly checks: number;
  /** Consecutive regular checks, for the backoff. */
  readonly backoffStep: number;
  readonly nextCheckAt: number | null;
  /** Non-final beyond this (submit time + `maxPending`) escalates. */
  readonly pendingDeadline: number;
  /** An operator's keep-waiting deadline; while set it replaces the no-answer triggers. */
  readonly waitingUntil: number | null;
  readonly callback: PendingCallback | null;
  /** `payoutId:statusCode` of every callback seen, so duplicates change nothing. */
  readonly seenCallbacks: readonly string[];
  readonly escalation: Escalation | null;
  readonly lastRejectedDecision: RejectedDecision | null;
  readonly resolution: Resolution | null;
  readonly result: PayoutResult | null;
  readonly evidence: EvidenceLog;
}

/** The state of a payout that is about to be submitted for the first time. */
export function initialState(
  identity: { merchantOrderId: string; platformId: string; amountCents: number },
  at: number,
  policy: PayoutPolicy,
): PayoutState {
  return {
    version: 1,
    status: 'SUBMITTING',
    ...identity,
    startedAt: at,
    run: 0,
    inFlight: 'none',
    submits: 0,
    lastSubmit: null,
    rejection: null,
    notFoundGraceFrom: null,
    payoutId: null,
    gatewayState: null,
    gatewayStatusCode: null,
    lastQuery: null,
    orderSeen: false,
    highestRank: null,
    checks: 0,
    backoffStep: 0,
    nextCheckAt: null,
    pendingDeadline: at + policy.maxPending,
    waitingUntil: null,
    callback: null,
    seenCallbacks: [],
    escalation: null,
    lastRejectedDecision: null,
    resolution: null,
    result: null,
    evidence: EMPTY_EVIDENCE,
  };
}
