/**
 * The payout client library: start and follow payouts from a backend service.
 *
 * @example
 * const connection = await Connection.connect(connectionOptions(parseTemporalConnectionConfig(process.env)));
 * const dataConverter = payoutDataConverter(parsePayloadCodecConfig(process.env));
 * const payouts = createPayoutClient({ client: new Client({ connection, dataConverter }), platformId: 'PF0002' });
 * await payouts.startPayout({ merchantOrderId: 'ORDER-1', amountCents: 50_000, bankName: '中国农业银行',
 *   recipientName: '李雷', accountNumber: '6228480000000000000' });
 * const result = await payouts.waitForPayout('ORDER-1');
 */
export {
  createPayoutClient,
  type PayoutClient,
  type PayoutClientOptions,
  type StartedPayout,
} from './payout-client.js';
export * from './errors.js';
export { ValidationError } from '../errors.js';
export { parsePayoutRequest, type PayoutRequest } from './request.js';
export { connectionOptions, parseTemporalConnectionConfig } from '../temporal/connection-config.js';
export {
  parsePayloadCodecConfig,
  payoutDataConverter,
  PayloadCodecError,
  type PayloadCodecConfig,
} from '../codec/index.js';
export { payoutWorkflowId, PAYOUT_TASK_QUEUE } from '../../workflows/api.js';
export { PayoutStatus } from '../../workflows/api.js';
export type {
  DecisionReceipt,
  PayoutResult,
  PayoutStatusView,
  Escalation,
  Resolution,
} from '../../workflows/api.js';
export type { OperatorDecisionInput } from '../../workflows/decisions.js';
export type { PayoutPolicyInput } from '../../workflows/policy.js';
