import type { WorkflowHandle } from '@temporalio/client';
import type { PayoutRequest } from './request.js';
import type { PayoutWorkflowInput } from '../../workflows/api.js';

/**
 * The input the payout's latest run started with, read from its history's first event and
 * decoded by the client's own data converter (the history holds it encrypted). Undefined when the
 * history holds no input; a payload the client's keys cannot read is the codec's error.
 */
export async function startedInput(
  handle: WorkflowHandle,
): Promise<PayoutWorkflowInput | undefined> {
  const history = await handle.fetchHistory();
  const payload =
    history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return undefined;
  const { payloadCodecs, payloadConverter } = handle.client.options.loadedDataConverter;
  let decoded = [payload];
  // Codecs decode in the reverse of their encoding order.
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  const [input] = decoded;
  return input ? payloadConverter.fromPayload<PayoutWorkflowInput>(input) : undefined;
}

const COMPARED: readonly (keyof PayoutRequest)[] = [
  'amountCents',
  'bankName',
  'recipientName',
  'accountNumber',
  'bankBranch',
  'province',
  'city',
];

/** Names of the request fields in which two payouts for one order id differ. */
export function differingFields(a: PayoutRequest, b: PayoutRequest): string[] {
  return COMPARED.filter((field) => a[field] !== b[field]);
}
