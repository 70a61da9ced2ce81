import type { PayoutPolicyInput } from '../../workflows/policy.js';

/** One demo payout: which path it walks and the sandbox rule (order-id prefix) that makes it. */
export interface DemoPayout {
  readonly prefix: string;
  readonly path: string;
  readonly expect: string;
  readonly amountCents: number;
  readonly policy?: PayoutPolicyInput;
}

/** Short timings so every path ends (or escalates) within about a minute. */
export const DEMO_POLICY: PayoutPolicyInput = {
  firstCheckDelay: '2s',
  maxCheckDelay: '8s',
  notFoundGrace: '30s',
  maxPending: '10m',
  reviewCheckInterval: '20s',
  callbackConfirmDelay: '2s',
};

/** The demo set: one payout per path of the product, against the sandbox's demo rules. */
export const DEMO_PAYOUTS: readonly DemoPayout[] = [
  {
    prefix: 'DEMO-OK-',
    path: 'success, callback wakes the workflow early',
    expect: 'SUCCEEDED',
    amountCents: 10_000,
  },
  {
    prefix: 'DEMO-NOCB-',
    path: 'success, confirmed by polling alone',
    expect: 'SUCCEEDED',
    amountCents: 10_100,
  },
  {
    prefix: 'DEMO-TIMEOUT-',
    path: 'create times out (unknown), then confirmed',
    expect: 'SUCCEEDED',
    amountCents: 10_200,
  },
  {
    prefix: 'DEMO-5XX-',
    path: 'create answers HTTP 500 (unknown), then confirmed',
    expect: 'SUCCEEDED',
    amountCents: 10_300,
  },
  {
    prefix: 'DEMO-DUPCB-',
    path: 'duplicate callbacks, harmless',
    expect: 'SUCCEEDED',
    amountCents: 10_400,
  },
  {
    prefix: 'DEMO-BADCB-',
    path: 'callback with a bad sign is refused; polling confirms',
    expect: 'SUCCEEDED',
    amountCents: 10_500,
  },
  { prefix: 'DEMO-FAIL-', path: 'gateway reports failed', expect: 'FAILED', amountCents: 10_600 },
  {
    prefix: 'DEMO-REJECT-',
    path: 'rejected (0012), confirmed by a query that finds no order',
    expect: 'REJECTED',
    amountCents: 10_700,
  },
  {
    prefix: 'DEMO-LOST-',
    path: 'request lost: no order appears, escalated',
    expect: 'NEEDS_REVIEW',
    amountCents: 10_800,
  },
  {
    prefix: 'DEMO-MISMATCH-',
    path: 'gateway reports another amount: conflict, escalated',
    expect: 'NEEDS_REVIEW',
    amountCents: 10_900,
  },
  {
    prefix: 'DEMO-STUCK-',
    path: 'never final: escalated after its maximum pending time',
    expect: 'NEEDS_REVIEW',
    amountCents: 11_000,
    policy: { maxPending: '45s' },
  },
];
