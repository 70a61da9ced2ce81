/**
 * The workflows a payout worker runs: point the worker's `workflowsPath` at this file. Only
 * workflow functions are exported here; names, signals, updates, queries and types live in
 * definitions.ts and types.ts.
 */
export { payoutWorkflow } from './payout.js';
