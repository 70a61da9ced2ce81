import { rulesSchema, type Rule, type RuleInput } from './scenario.js';

/**
 * The rules a sandbox starts with unless told otherwise: one `payout_cl_id` prefix per behaviour,
 * so a person (or the local demo) can pick a scenario just by naming the order. Anything else is
 * accepted and succeeds on the schedule. See src/sandbox/README.md.
 */
export const DEMO_RULE_INPUTS: readonly RuleInput[] = [
  { name: 'success', match: { payoutClIdPrefix: 'DEMO-OK-' } },
  {
    name: 'created, then HTTP 500',
    match: { payoutClIdPrefix: 'DEMO-5XX-' },
    scenario: { create: { kind: 'accept-then-fault', fault: 'http-500' } },
  },
  {
    name: 'created, then no answer until the client gives up',
    match: { payoutClIdPrefix: 'DEMO-TIMEOUT-' },
    scenario: { create: { kind: 'accept-then-fault', fault: 'hang' } },
  },
  {
    name: 'created, then an empty body',
    match: { payoutClIdPrefix: 'DEMO-EMPTY-' },
    scenario: { create: { kind: 'accept-then-fault', fault: 'empty-body' } },
  },
  {
    name: 'created, then a body that is not JSON',
    match: { payoutClIdPrefix: 'DEMO-GARBAGE-' },
    scenario: { create: { kind: 'accept-then-fault', fault: 'garbage-body' } },
  },
  {
    name: 'created, then the connection is reset',
    match: { payoutClIdPrefix: 'DEMO-RESET-' },
    scenario: { create: { kind: 'accept-then-fault', fault: 'reset' } },
  },
  {
    name: 'rejected: unsupported bank (0012), nothing created',
    match: { payoutClIdPrefix: 'DEMO-REJECT-' },
    scenario: { create: { kind: 'reject', code: '0012' } },
  },
  {
    name: 'rejected: insufficient balance (0018), nothing created',
    match: { payoutClIdPrefix: 'DEMO-BALANCE-' },
    scenario: { create: { kind: 'reject', code: '0018' } },
  },
  {
    name: 'rejected (0018), yet the order was created: succeeds on the schedule',
    match: { payoutClIdPrefix: 'DEMO-GHOST-' },
    scenario: { create: { kind: 'reject-after-create', code: '0018' } },
  },
  {
    name: 'ends failed',
    match: { payoutClIdPrefix: 'DEMO-FAIL-' },
    scenario: { outcome: 'failed' },
  },
  {
    name: 'ends cancelled',
    match: { payoutClIdPrefix: 'DEMO-CANCEL-' },
    scenario: { outcome: 'cancelled' },
  },
  {
    name: 'lost: nothing created, no answer',
    match: { payoutClIdPrefix: 'DEMO-LOST-' },
    scenario: { create: { kind: 'lost' } },
  },
  {
    name: 'never finalizes',
    match: { payoutClIdPrefix: 'DEMO-STUCK-' },
    scenario: { finalize: { kind: 'never' } },
  },
  {
    name: 'success, callback delivered twice',
    match: { payoutClIdPrefix: 'DEMO-DUPCB-' },
    scenario: { callbacks: { copies: 2 } },
  },
  {
    name: 'success, a processing callback after the final one',
    match: { payoutClIdPrefix: 'DEMO-OOO-' },
    scenario: { callbacks: { processingAfterFinal: true } },
  },
  {
    name: 'success, callback with a bad sign',
    match: { payoutClIdPrefix: 'DEMO-BADCB-' },
    scenario: { callbacks: { badSign: true } },
  },
  {
    name: 'success, no callback',
    match: { payoutClIdPrefix: 'DEMO-NOCB-' },
    scenario: { callbacks: { send: false } },
  },
  {
    name: 'success, the first 2 queries answer HTTP 503',
    match: { payoutClIdPrefix: 'DEMO-FLAKY-' },
    scenario: { queries: { failFirst: 2, fault: 'http-503' } },
  },
  {
    name: 'success, then one query reports processing again',
    match: { payoutClIdPrefix: 'DEMO-REGRESS-' },
    scenario: { queries: { regression: { to: 'processing', queries: 1 } } },
  },
  {
    name: 'success, queries report the amount 1 cent higher',
    match: { payoutClIdPrefix: 'DEMO-MISMATCH-' },
    scenario: { queries: { amountDeltaCents: 1 } },
  },
  {
    name: 'success, query items carry a bad sign',
    match: { payoutClIdPrefix: 'DEMO-BADSIGN-' },
    scenario: { queries: { badSign: true } },
  },
];

/** {@link DEMO_RULE_INPUTS} with their defaults filled in. */
export function demoRules(): Rule[] {
  return rulesSchema.parse(DEMO_RULE_INPUTS);
}
