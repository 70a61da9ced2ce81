import { rulesSchema, type Rule, type RuleInput, type ScenarioInput } from './scenario.js';

const fault = (
  f: 'http-500' | 'hang' | 'empty-body' | 'garbage-body' | 'reset',
): ScenarioInput => ({
  create: { kind: 'accept-then-fault', fault: f },
});

/** `payout_cl_id` prefix, what the order does, and the scenario that makes it do so. */
// prettier-ignore
const DEMO: ReadonlyArray<readonly [string, string, ScenarioInput?]> = [
  ['DEMO-OK-', 'success'],
  ['DEMO-5XX-', 'created, then HTTP 500', fault('http-500')],
  ['DEMO-TIMEOUT-', 'created, then no answer until the client gives up', fault('hang')],
  ['DEMO-EMPTY-', 'created, then an empty body', fault('empty-body')],
  ['DEMO-GARBAGE-', 'created, then a body that is not JSON', fault('garbage-body')],
  ['DEMO-RESET-', 'created, then the connection is reset', fault('reset')],
  ['DEMO-REJECT-', 'rejected: unsupported bank (0012), nothing created', { create: { kind: 'reject', code: '0012' } }],
  ['DEMO-BALANCE-', 'rejected: insufficient balance (0018), nothing created', { create: { kind: 'reject', code: '0018' } }],
  ['DEMO-GHOST-', 'rejected (0018), yet the order was created: succeeds on the schedule', { create: { kind: 'reject-after-create', code: '0018' } }],
  ['DEMO-FAIL-', 'ends failed', { outcome: 'failed' }],
  ['DEMO-CANCEL-', 'ends cancelled', { outcome: 'cancelled' }],
  ['DEMO-LOST-', 'lost: nothing created, no answer', { create: { kind: 'lost' } }],
  ['DEMO-STUCK-', 'never finalizes', { finalize: { kind: 'never' } }],
  ['DEMO-DUPCB-', 'success, callback delivered twice', { callbacks: { copies: 2 } }],
  ['DEMO-OOO-', 'success, a processing callback after the final one', { callbacks: { processingAfterFinal: true } }],
  ['DEMO-BADCB-', 'success, callback with a bad sign', { callbacks: { badSign: true } }],
  ['DEMO-NOCB-', 'success, no callback', { callbacks: { send: false } }],
  ['DEMO-FLAKY-', 'success, the first 2 queries answer HTTP 503', { queries: { failFirst: 2, fault: 'http-503' } }],
  ['DEMO-REGRESS-', 'success, then one query reports processing again', { queries: { regression: { to: 'processing', queries: 1 } } }],
  ['DEMO-MISMATCH-', 'success, queries report the amount 1 cent higher', { queries: { amountDeltaCents: 1 } }],
  ['DEMO-BADSIGN-', 'success, query items carry a bad sign', { queries: { badSign: true } }],
];

/**
 * The rules a sandbox starts with unless told otherwise: one `payout_cl_id` prefix per behaviour,
 * so a person (or the local demo) can pick a scenario just by naming the order. Anything else is
 * accepted and succeeds on the schedule. See src/sandbox/README.md.
 */
export const DEMO_RULE_INPUTS: readonly RuleInput[] = DEMO.map(([prefix, name, scenario]) => ({
  name,
  match: { payoutClIdPrefix: prefix },
  ...(scenario ? { scenario } : {}),
}));

/** {@link DEMO_RULE_INPUTS} with their defaults filled in. */
export function demoRules(): Rule[] {
  return rulesSchema.parse(DEMO_RULE_INPUTS);
}
