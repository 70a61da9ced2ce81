/**
 * The workflows a payout worker runs: point the worker's `workflowsPath` at this file. Only
 * workflow functions are exported here; names, messages and types live in api.ts.
 */
export { payoutWorkflow } from './payout.js';
export { payoutDisputeWorkflow } from './dispute.js';
export { payoutReconciliationWorkflow } from './reconciliation.js';
