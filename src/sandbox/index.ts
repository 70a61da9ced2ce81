/** The sandbox payout gateway: see src/sandbox/README.md. */
export { startSandboxGateway, type SandboxGateway } from './server.js';
export {
  DEFAULT_MERCHANT,
  harnessMerchant,
  type SandboxMerchant,
  type SandboxOptions,
} from './options.js';
export type { SandboxClock } from './clock.js';
export type { SandboxLogger } from './logger.js';
export { DEMO_RULE_INPUTS } from './demo-rules.js';
export type { Fault, Rule, RuleInput, Scenario, ScenarioInput } from './scenario.js';
export type { OrderRecord, OrderView } from './state.js';
export { SandboxOrderError, SandboxStateError } from './errors.js';
