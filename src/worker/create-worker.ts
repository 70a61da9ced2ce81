import { hostname } from 'node:os';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import {
  createReconciliationActivities,
  type ReconcilingGateway,
} from '../../activities/reconcile.js';
import { payoutWorkerIdentity } from '../client/platform-check.js';
import { WORKFLOWS_PATH, sharedWorkflowModulePaths, workflowBuildId } from './workflow-sources.js';

/** What a payout worker is made of. */
export interface PayoutWorkerOptions {
  readonly connection: NativeConnection;
  readonly namespace: string;
  readonly taskQueue: string;
  /** The gateway client: payout calls, and the listing reconciliation reads. */
  readonly gateway: ReconcilingGateway;
  /**
   * How payloads and failures are stored: `payoutDataConverter(config)` (src/codec/). Required,
   * so no worker is built that would write payout data in plaintext by omission.
   */
  readonly dataConverter: DataConverter;
  /** Extra worker options (tuning, a prebuilt bundle, interceptors). */
  readonly overrides?: Partial<WorkerOptions>;
}

/**
 * Builds a worker that runs payout workflows and their activities on one task queue. Scale out by
 * running more of these against the same cluster: Temporal spreads the work.
 */
export async function createPayoutWorker(options: PayoutWorkerOptions): Promise<Worker> {
  // Reconciliation reads visibility and opens disputes through the worker's own connection.
  const client = new Client({
    connection: options.connection,
    namespace: options.namespace,
    dataConverter: options.dataConverter,
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    // Names the merchant, so clients configured for another one learn it at start.
    identity: payoutWorkerIdentity(`${process.pid}@${hostname()}`, options.gateway.platformId),
    buildId: workflowBuildId(),
    // A prebuilt bundle (see overrides) replaces the bundling at start.
    ...(options.overrides?.workflowBundle === undefined
      ? {
          workflowsPath: WORKFLOWS_PATH,
          bundlerOptions: { preloadModules: sharedWorkflowModulePaths() },
        }
      : {}),
    activities: {
      ...createActivities({ gateway: options.gateway }),
      ...createReconciliationActivities(options.gateway, {
        client,
        taskQueue: options.taskQueue,
      }),
    },
    dataConverter: options.dataConverter,
    ...options.overrides,
  });
}

export { NativeConnection, WORKFLOWS_PATH };
