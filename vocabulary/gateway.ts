/**
 * The gateway's vocabulary, in one place: states and status codes, the codes the rules turn on,
 * what is final and what a rejection is, and the typed outcomes of its calls. Pure: the
 * workflows, activities, the gateway client, the client library and the sandbox all import it.
 */

/** How the payout is signed; see docs/gateway.md. */
export type SignMode = 'md5' | 'md5-key' | 'hmac-sha256';

/** Error codes that mean the gateway refused the create call and most likely created nothing. */
export const KNOWN_REJECTION_CODES = ['0004', '0012', '0018'] as const;
export type RejectionCode = (typeof KNOWN_REJECTION_CODES)[number];

/** The gateway's error codes that matter to the rules (docs/gateway.md, "Error codes seen"). */
export const GatewayCode = {
  /** The call was accepted: never that money moved. */
  Accepted: '0000',
  /** Our sign did not verify: a configuration problem, not a refusal of the payout. */
  SignatureRejected: '0004',
  /** Our query token was refused: a configuration problem. */
  AuthorizationRejected: '0006',
  /** The single-order query form's "no such order". */
  NoSuchOrder: '0050',
} as const;

/** The service id of CNY bank-card payouts. */
export const PAYOUT_SERVICE_ID = 'SVC0004';

/** Whether `code` is one of the known rejections of a create call. */
export function isRejectionCode(code: string): code is RejectionCode {
  return (KNOWN_REJECTION_CODES as readonly string[]).includes(code);
}

/** Why a create or query call has no trustworthy answer. */
export type UnknownReason =
  | 'timeout'
  | 'connection'
  | 'http-status'
  | 'empty-body'
  | 'invalid-json'
  | 'invalid-response'
  | 'unknown-error-code'
  | 'accepted-without-id';

/**
 * Outcome of one create call. Only `rejected` says something about the order not existing, and
 * even that is confirmed by a query before a payout is called rejected.
 */
export type SubmitOutcome =
  | { readonly kind: 'accepted'; readonly payoutId: string }
  | { readonly kind: 'rejected'; readonly code: RejectionCode; readonly message: string }
  | { readonly kind: 'unknown'; readonly reason: UnknownReason; readonly detail: string };

/** Payout states named from the gateway's status codes 0-6; anything else is `unknown-status`. */
export type GatewayPayoutState =
  | 'scheduled'
  | 'pending'
  | 'processing'
  | 'success'
  | 'cancelled'
  | 'failed'
  | 'under-review'
  | 'unknown-status';

/** The gateway's status codes 0-6 and the states they name. */
export const STATUS_CODE_STATES = [
  'scheduled',
  'pending',
  'processing',
  'success',
  'cancelled',
  'failed',
  'under-review',
] as const satisfies readonly GatewayPayoutState[];

/** Every state, `unknown-status` included (for checks of untrusted input). */
export const GATEWAY_STATES: readonly GatewayPayoutState[] = [
  ...STATUS_CODE_STATES,
  'unknown-status',
];

/** The state a status code names; a code the docs do not list is `unknown-status`, never final. */
export function gatewayStateOf(statusCode: number): GatewayPayoutState {
  return STATUS_CODE_STATES[statusCode] ?? 'unknown-status';
}

/** The status code of a documented state (`unknown-status` has none: -1). */
export function statusCodeOf(state: GatewayPayoutState): number {
  return (STATUS_CODE_STATES as readonly string[]).indexOf(state);
}

/** The payout outcome a gateway state means: paid, not paid, or `null` while not final. */
export function finalOutcome(
  state: GatewayPayoutState | 'not-found',
): 'SUCCEEDED' | 'FAILED' | null {
  if (state === 'success') return 'SUCCEEDED';
  if (state === 'cancelled' || state === 'failed') return 'FAILED';
  return null;
}

/** Whether the gateway's outcome no longer changes in `state` (3 success, 4 cancelled, 5 failed). */
export function isFinalState(state: GatewayPayoutState): boolean {
  return finalOutcome(state) !== null;
}

/** What the gateway says of one order, in a query answer or a callback alike. */
export interface GatewayOrderFacts {
  readonly payoutId: string;
  readonly payoutClId: string;
  readonly platformId: string;
  readonly state: GatewayPayoutState;
  /** The raw status code, kept because `unknown-status` hides it. */
  readonly statusCode: number;
  readonly amountCents: number;
  readonly realAmountCents?: number;
  readonly feeCents?: number;
  readonly createTime?: number;
  readonly updateTime?: number;
}

/** One order as the gateway reports it, after its sign and identity were checked. */
export interface GatewayOrder extends GatewayOrderFacts {
  readonly memo?: string;
}

/** A field of the order that did not match what we asked for. */
export type MismatchField = 'payout_cl_id' | 'platform_id' | 'amount';

/** Outcome of one status query. */
export type QueryOutcome =
  | { readonly kind: 'found'; readonly order: GatewayOrder }
  | { readonly kind: 'not-found' }
  /** The response carried a sign that does not verify: never trusted. */
  | { readonly kind: 'bad-signature'; readonly detail: string }
  /** The gateway returned an order that is not ours as asked. */
  | {
      readonly kind: 'mismatch';
      readonly field: MismatchField;
      readonly expected: string;
      readonly actual: string;
      /**
       * Set when the gateway lists several different orders for our payout_cl_id (a possible
       * double payout); `actual` then lists their payout ids, comma-separated.
       */
      readonly detail?: string;
      /** The order, when one order of ours was returned but its platform or amount differ. */
      readonly order?: GatewayOrder;
    }
  /** No answer we can use; `code` is the gateway's error code when there was one (e.g. 0006). */
  | {
      readonly kind: 'unavailable';
      readonly reason: UnknownReason | 'gateway-error';
      readonly detail: string;
      readonly code?: string;
    };

/** A callback whose sign verified. `fields` keeps every received field, as received. */
export interface PayoutNotification extends GatewayOrderFacts {
  readonly errorMessage?: string;
  readonly fields: Readonly<Record<string, string>>;
}
