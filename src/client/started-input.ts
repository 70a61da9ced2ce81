import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { PayoutRequest } from '../payout/request.js';
import type { PayoutWorkflowInput } from '../../workflows/api.js';

/**
 * The input the payout's latest run started with, read from its history's first event. Undefined
 * when the history holds no input the default converter can read.
 */
export async function startedInput(
  handle: WorkflowHandle,
): Promise<PayoutWorkflowInput | undefined> {
  const history = await handle.fetchHistory();
  const payload =
    history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) return undefined;
  return defaultPayloadConverter.fromPayload<PayoutWorkflowInput>(payload);
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
