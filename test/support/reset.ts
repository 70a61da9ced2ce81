import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

const EventType = proto.temporal.api.enums.v1.EventType;

/**
 * What `temporal workflow reset --type FirstWorkflowTask` does: a new run from the first
 * workflow task of run `runId`, the rest of its history dropped (an adversary's or a careless
 * operator's move; the payout must not create twice after it).
 */
export async function resetToFirstWorkflowTask(
  client: Client,
  handle: WorkflowHandle,
  runId: string,
  reason: string,
): Promise<void> {
  const history = await handle.fetchHistory();
  const first = history.events?.find(
    (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  );
  await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId: handle.workflowId, runId },
    workflowTaskFinishEventId: first?.eventId,
    requestId: randomUUID(),
    reason,
  });
}
