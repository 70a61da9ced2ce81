/** The sandbox payout gateway: see src/sandbox/README.md. */
export { startSandboxGateway, type SandboxGateway } from './server.js';
export {
  DEFAULT_MERCHANT,
  parseSandboxSettings,
  type SandboxMerchant,
  type SandboxOptions,
  type SandboxSettings,
} from './options.js';
export { ManualClock, systemClock, type SandboxClock } from './clock.js';
export { consoleLogger, silentLogger, type SandboxLogger } from './logger.js';
export { DEMO_RULE_INPUTS, demoRules } from './demo-rules.js';
export type { Fault, Rule, RuleInput, Scenario, ScenarioInput } from './scenario.js';
export type { SandboxRecord } from './engine.js';
export type { OrderView } from './order.js';
export type { CallbackEntry, CreateEntry, QueryEntry, StatusEntry } from './record.js';
export { STATUS_CODES, type StatusName } from './status.js';
export { INVALID_PARAMETER_CODE } from './create-payout.js';
export { SandboxOrderError, SandboxStateError } from './errors.js';
export type { SandboxState } from './state.js';
