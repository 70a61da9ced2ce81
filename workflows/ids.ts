/** Workflow ids: a module of plain functions, shared by every payout in a worker (see README). */

/**
 * The workflow id of a payout: `payout:<platformId>:<merchantOrderId>`, e.g.
 * `payout:PF0002:ORDER-1`. The id keeps two live workflows from serving one order; it does not
 * guard the create call by itself (ids leave Temporal with retention): the submit activity asks
 * the gateway first. Neither part may contain `:`.
 */
export function payoutWorkflowId(platformId: string, merchantOrderId: string): string {
  if (platformId === '' || merchantOrderId === '') {
    throw new TypeError('payoutWorkflowId: platformId and merchantOrderId must not be empty');
  }
  if (platformId.includes(':') || merchantOrderId.includes(':')) {
    throw new TypeError('payoutWorkflowId: platformId and merchantOrderId must not contain ":"');
  }
  return `payout:${platformId}:${merchantOrderId}`;
}
