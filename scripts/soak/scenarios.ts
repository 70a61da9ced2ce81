import type { RuleInput, ScenarioInput } from '../../src/sandbox/scenario.js';

/** One kind of payout in the soak mix: a sandbox scenario chosen by its order id's prefix. */
export interface SoakScenario {
  readonly prefix: string;
  readonly weight: number;
  readonly scenario: ScenarioInput;
}

type AcceptedCreateFault = Extract<
  NonNullable<ScenarioInput['create']>,
  { kind: 'accept-then-fault' }
>['fault'];

/** A create the gateway accepts and whose answer is lost to `fault`. */
function unknownCreate(prefix: string, weight: number, fault: AcceptedCreateFault): SoakScenario {
  return { prefix, weight, scenario: { create: { kind: 'accept-then-fault', fault } } };
}

/**
 * Every sandbox scenario, and a gateway whose queries lag behind its creates. Prefixes are
 * short: an order id is `<prefix>-<seed>-<n>`, at most 32 characters.
 */
export const SOAK_SCENARIOS: readonly SoakScenario[] = [
  { prefix: 'OK', weight: 8, scenario: {} },
  { prefix: 'FAIL', weight: 2, scenario: { outcome: 'failed', failureMessage: 'Account frozen' } },
  { prefix: 'CANC', weight: 1, scenario: { outcome: 'cancelled' } },
  unknownCreate('U500', 1, 'http-500'),
  unknownCreate('UHANG', 2, 'hang'),
  unknownCreate('UEMPTY', 1, 'empty-body'),
  unknownCreate('UGARB', 1, 'garbage-body'),
  unknownCreate('URESET', 1, 'reset'),
  { prefix: 'REJ', weight: 1, scenario: { create: { kind: 'reject', code: '0012' } } },
  { prefix: 'BAL', weight: 1, scenario: { create: { kind: 'reject', code: '0018' } } },
  {
    prefix: 'GHOST',
    weight: 1,
    scenario: { create: { kind: 'reject-after-create', code: '0018' } },
  },
  { prefix: 'LOST', weight: 1, scenario: { create: { kind: 'lost' } } },
  { prefix: 'STUCK', weight: 1, scenario: { finalize: { kind: 'never' } } },
  { prefix: 'DUPCB', weight: 1, scenario: { callbacks: { copies: 3 } } },
  { prefix: 'OOO', weight: 1, scenario: { callbacks: { processingAfterFinal: true } } },
  { prefix: 'BADCB', weight: 1, scenario: { callbacks: { badSign: true } } },
  { prefix: 'NOCB', weight: 2, scenario: { callbacks: { send: false } } },
  { prefix: 'LATECB', weight: 1, scenario: { callbacks: { delayMs: 3_000 } } },
  { prefix: 'FLAKY', weight: 1, scenario: { queries: { failFirst: 3, fault: 'http-503' } } },
  { prefix: 'EVERY', weight: 1, scenario: { queries: { failEvery: 2, fault: 'reset' } } },
  { prefix: 'QHANG', weight: 1, scenario: { queries: { failFirst: 1, fault: 'hang' } } },
  { prefix: 'MISM', weight: 1, scenario: { queries: { amountDeltaCents: 1 } } },
  {
    prefix: 'BSIG',
    weight: 1,
    scenario: { queries: { badSign: true }, callbacks: { send: false } },
  },
  { prefix: 'LAG', weight: 2, scenario: { queries: { hiddenForMs: 2_500 } } },
];

/** The sandbox rules for the mix: first match wins, by prefix. */
export function soakRules(): RuleInput[] {
  return SOAK_SCENARIOS.map((s) => ({
    name: s.prefix,
    match: { payoutClIdPrefix: `${s.prefix}-` },
    scenario: s.scenario,
  }));
}
