import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { PlatformMismatchError } from './errors.js';

// The default import: Node's ESM loader sees no named exports in this CommonJS package.
const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** How long a passed check holds: workers are redeployed, so it is asked again now and then. */
const PASSED_FOR_MS = 60_000;

/** The `platform=<id>` part of a payout worker's identity (see `payoutWorkerIdentity`). */
const PLATFORM_IN_IDENTITY = /(?:^|\s)platform=([A-Za-z0-9]+)(?:\s|$)/;

/**
 * Checks that the workers polling the task queue serve the client's merchant, so that a client
 * configured for another merchant learns it at start, before any payout exists. Workers name
 * their merchant in their identity; a queue without (tagged) pollers passes (workers may be
 * down: the start must still succeed, and the workflow refuses another merchant's payout itself).
 */
export function createPlatformCheck(options: {
  readonly client: Client;
  readonly platformId: string;
  readonly taskQueue: string;
}): () => Promise<void> {
  let passedUntil = 0;
  return async () => {
    if (Date.now() < passedUntil) return;
    const { client, platformId, taskQueue } = options;
    const response = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: {
        name: taskQueue,
        kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
      },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const served = new Set<string>();
    for (const poller of response.pollers ?? []) {
      const match = PLATFORM_IN_IDENTITY.exec(poller.identity ?? '');
      if (match?.[1] !== undefined) served.add(match[1]);
    }
    const others = [...served].filter((p) => p !== platformId);
    if (others.length > 0) throw new PlatformMismatchError(platformId, taskQueue, [...served]);
    passedUntil = Date.now() + PASSED_FOR_MS;
  };
}

/** The worker identity that names its merchant, e.g. `4242@host platform=PF0002`. */
export function payoutWorkerIdentity(base: string, platformId: string): string {
  return `${base} platform=${platformId}`;
}
