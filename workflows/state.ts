import type { SubmitResult } from '../activities/types.js';
import type { GatewayPayoutState, QueryOutcome, SubmitOutcome } from '../vocabulary/gateway.js';
import type {
  CallbackSignalPayload,
  Escalation,
  EscalationKind,
  EscalationReason,
  GatewayReport,
  PayoutResult,
  PendingConfirm,
  PayoutStatus,
  PayoutStatusView,
  RefusedDecision,
  SubmitOrigin,
} from './api.js';
import type {
  DecisionChannel,
  DecisionRule,
  OperatorDecision,
  OperatorDecisionAction,
} from './decisions.js';
import type { PayoutPolicy } from './policy.js';

/**
 * Everything the decision function knows about one payout, grouped by what it is about. Plain
 * JSON, so it is carried as is through continue-as-new. Times are milliseconds since the epoch
 * (workflow time).
 */
export interface PayoutState {
  readonly version: 2;
  readonly payout: {
    readonly merchantOrderId: string;
    readonly platformId: string;
    readonly amountCents: number;
  };
  readonly status: PayoutStatus;
  /** When the first run started. */
  readonly startedAt: number;
  /** Continue-as-new count. */
  readonly run: number;
  /** The activity the driver runs now: at most one at a time. */
  readonly busy: 'none' | 'submit' | 'query';
  readonly submit: SubmitRecord;
  readonly gateway: GatewayRecord;
  readonly checks: CheckSchedule;
  readonly review: ReviewRecord;
  readonly result: PayoutResult | null;
  readonly evidence: EvidenceLog;
}

/** What our create calls did. */
export interface SubmitRecord {
  /** Who caused the current submit (a pre-check retry keeps it). */
  readonly origin: SubmitOrigin;
  /** Submit activity runs (a run that found the order, or got no pre-check answer, sends nothing). */
  readonly attempts: number;
  /** Create calls that may have reached the gateway. */
  readonly creates: number;
  /** Some create was answered `0000`. */
  readonly accepted: boolean;
  /** When a create last may have reached the gateway. */
  readonly lastSentAt: number | null;
  /** The latest create was rejected and no verified answer has reported the order since. */
  readonly rejection: {
    readonly code: string;
    readonly message: string;
    readonly at: number;
  } | null;
  /** The latest create could not be sent at all. */
  readonly unsendable: boolean;
}

/** What the gateway said, verified answers only (queries and signed callbacks). */
export interface GatewayRecord {
  readonly payoutId: string | null;
  /** A verified answer reported an order under our payout_cl_id at some point. */
  readonly orderSeen: boolean;
  /** The latest verified answer. */
  readonly latest: (Omit<GatewayReport, 'at'> & { readonly at: number }) | null;
  /** Start of the current run of "not found" answers. */
  readonly notFoundSince: number | null;
  /** The latest final callback, until a query confirms or contradicts it. */
  readonly finalCallback: { readonly payoutId: string; readonly state: GatewayPayoutState } | null;
  /** Times each callback (`payoutId:status`) arrived: a repeat costs a count, nothing else. */
  readonly callbacks: Readonly<Record<string, number>>;
}

/** When the next gateway call runs. */
export interface CheckSchedule {
  /** Status queries answered (a failed query and an unusable answer count too). */
  readonly count: number;
  /** Consecutive regular checks, for the backoff. */
  readonly step: number;
  /** What runs when the timer fires: a status query, or the submit again (pre-check unanswered). */
  readonly next: 'query' | 'submit';
  readonly nextAt: number | null;
  /** Quick re-checks done since the latest final callback. */
  readonly callbackRechecks: number;
}

/** What people see and did. */
export interface ReviewRecord {
  /** Why the payout waits for a person now. */
  readonly escalation: Escalation | null;
  /** Since when it is in NEEDS_REVIEW. */
  readonly since: number | null;
  /** A confirm that waits for a second operator (four-eyes). */
  readonly pendingConfirm: PendingConfirm | null;
  /** Every escalation so far, in order. */
  readonly history: readonly Escalation[];
  /** An operator's keep-waiting deadline. */
  readonly waitingUntil: number | null;
  readonly cancelRequestedAt: number | null;
  readonly lastRefused: RefusedDecision | null;
}

/** The state of a payout whose workflow just started. */
export function initialState(payout: PayoutState['payout'], at: number): PayoutState {
  return {
    version: 2,
    payout,
    status: 'SUBMITTING',
    startedAt: at,
    run: 0,
    busy: 'none',
    submit: {
      origin: 'initial',
      attempts: 0,
      creates: 0,
      accepted: false,
      lastSentAt: null,
      rejection: null,
      unsendable: false,
    },
    gateway: {
      payoutId: null,
      orderSeen: false,
      latest: null,
      notFoundSince: null,
      finalCallback: null,
      callbacks: {},
    },
    checks: { count: 0, step: 0, next: 'query', nextAt: null, callbackRechecks: 0 },
    review: {
      escalation: null,
      since: null,
      pendingConfirm: null,
      history: [],
      waitingUntil: null,
      cancelRequestedAt: null,
      lastRefused: null,
    },
    result: null,
    evidence: EMPTY_EVIDENCE,
  };
}

// ---- evidence -------------------------------------------------------------------------------

/** One fact the workflow observed or did. */
export type EvidenceBody =
  | {
      readonly kind: 'query';
      /** `pre-check`: asked by the submit before any create; `check`: a status check. */
      readonly purpose: 'pre-check' | 'check';
      readonly outcome: QueryOutcome;
    }
  | {
      readonly kind: 'create';
      readonly origin: SubmitOrigin;
      readonly outcome: SubmitOutcome | Extract<SubmitResult, { kind: 'not-sent' }>;
    }
  /** The submit activity itself failed (crash, timeout): the create may have reached the gateway. */
  | { readonly kind: 'submit-failed'; readonly origin: SubmitOrigin; readonly detail: string }
  /** The status query failed after its retries: no answer. */
  | { readonly kind: 'query-failed'; readonly detail: string }
  | {
      readonly kind: 'callback';
      /** `new`: first time seen; `stale`: a non-final status after a final callback. */
      readonly note: 'new' | 'stale';
      readonly notification: CallbackSignalPayload;
    }
  /** A callback signal whose payload is unusable: ignored. */
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
  | { readonly kind: 'cancel-requested' }
  /** An operator asked for a status check now. */
  | { readonly kind: 'check-requested'; readonly operatorId: string }
  /** A signal no handler knows: recorded, nothing else. */
  | { readonly kind: 'unknown-signal'; readonly name: string }
  /** Verified news that contradicts the final state, handed to a dispute. */
  | { readonly kind: 'dispute'; readonly detail: string }
  | { readonly kind: 'continued-as-new'; readonly run: number };

/**
 * An evidence entry: `seq` counts from 1 over the payout's whole life, `at` is ISO 8601. The same
 * fact repeated in a row is folded into one entry: `count` times, the last at `lastAt`.
 */
export type EvidenceEntry = EvidenceBody & {
  readonly seq: number;
  readonly at: string;
  readonly count?: number;
  readonly lastAt?: string;
};

/**
 * The evidence log, capped: the first `head` entries and the latest `tail` ones are kept, the
 * ones in between are dropped and counted, so a payout pending for a week stays small.
 */
export interface EvidenceLog {
  readonly entries: readonly EvidenceEntry[];
  /** Entries dropped from the middle of the log. */
  readonly dropped: number;
  /** Entries ever recorded (the last `seq`). */
  readonly total: number;
}

/** An empty log. */
export const EMPTY_EVIDENCE: EvidenceLog = { entries: [], dropped: 0, total: 0 };

/** Returns a new log with `body` appended (or folded into the last entry) at time `at`. */
export function appendEvidence(
  log: EvidenceLog,
  body: EvidenceBody,
  at: number,
  limits: Pick<PayoutPolicy, 'evidenceHead' | 'evidenceTail'>,
): EvidenceLog {
  const when = new Date(at).toISOString();
  const last = log.entries[log.entries.length - 1];
  if (last !== undefined && sameFact(last, body)) {
    const folded: EvidenceEntry = { ...last, count: (last.count ?? 1) + 1, lastAt: when };
    return { ...log, entries: [...log.entries.slice(0, -1), folded] };
  }
  const entries = [...log.entries, { ...body, seq: log.total + 1, at: when }];
  let dropped = log.dropped;
  const head = Math.max(1, limits.evidenceHead);
  const tail = Math.max(1, limits.evidenceTail);
  while (entries.length > head + tail) {
    // The oldest entry after the head goes; the head (the submit and first checks) stays.
    entries.splice(head, 1);
    dropped += 1;
  }
  return { entries, dropped, total: log.total + 1 };
}

function sameFact(entry: EvidenceEntry, body: EvidenceBody): boolean {
  const { seq: _seq, at: _at, count: _count, lastAt: _lastAt, ...fact } = entry;
  return JSON.stringify(fact) === JSON.stringify(body);
}

// ---- the status view ------------------------------------------------------------------------

/** What the `status` query returns for `state`; `allowed` are the decisions open now. */
export function toStatusView(
  state: PayoutState,
  allowed: readonly OperatorDecisionAction[],
): PayoutStatusView {
  const { gateway, review } = state;
  return {
    status: state.status,
    ...state.payout,
    payoutId: gateway.payoutId,
    gatewayState: lastKnownState(state),
    gateway: gateway.latest === null ? null : { ...gateway.latest, at: iso(gateway.latest.at) },
    creates: state.submit.creates,
    checks: state.checks.count,
    callbacksReceived: Object.values(gateway.callbacks).reduce((sum, n) => sum + n, 0),
    busy: state.busy === 'none' ? null : state.busy,
    nextCheckAt: isoOrNull(state.checks.nextAt),
    escalation: review.escalation,
    escalations: review.history,
    reviewSince: isoOrNull(review.since),
    waitingUntil: isoOrNull(review.waitingUntil),
    pendingConfirm: review.pendingConfirm,
    cancelRequestedAt: isoOrNull(review.cancelRequestedAt),
    lastRefusedDecision: review.lastRefused,
    allowedDecisions: allowed,
    resolution: state.result?.resolvedBy ?? null,
    run: state.run,
    evidence: state.evidence,
  };
}

/** The gateway's last verified state of the order (not "not found"), if any answer gave one. */
export function lastKnownState(state: PayoutState): GatewayPayoutState | null {
  const latest = state.gateway.latest;
  return latest === null || latest.state === 'not-found' ? null : latest.state;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
