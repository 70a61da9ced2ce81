/**
 * The payout worker as a process: `tsx src/worker.ts`. Reads GATEWAY_*, TEMPORAL_*,
 * PAYLOAD_CODEC*, RECONCILE_*, LOG_* and WORKER_METRICS_ADDRESS from the environment, logs its own
 * lines and the SDK's redacted in LOG_FORMAT, serves the Prometheus endpoint when asked to
 * (src/metrics/), checks the gateway credentials, connects to Temporal (local, self-hosted with
 * mTLS, or Temporal Cloud), keeps the reconciliation schedule in line with its settings, and runs
 * until SIGINT or SIGTERM, finishing the tasks in hand before it exits. Every payload it writes is
 * encrypted (src/codec/).
 */
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { describePayloadCodecConfig, processPayloadCodec } from './codec/index.js';
import { createGatewayClient, createGatewayDispatcher } from './gateway/client.js';
import { describeGatewayConfig, parseGatewayConfig } from './gateway/config.js';
import { checkGatewayCredentials } from './gateway/credential-check.js';
import { createProcessLogger } from './log.js';
import { runMain } from './process.js';
import { parseReconcileConfig } from './reconcile/config.js';
import { ensureReconciliationSchedule } from './reconcile/schedule.js';
import { connectionOptions, parseTemporalConnectionConfig } from './temporal/connection-config.js';
import { createPayoutWorker } from './worker/create-worker.js';
import { parseWorkerConfig } from './worker/config.js';
import { prebuiltWorkflowBundle } from './worker/workflow-bundle.js';
import { workerTelemetry } from './metrics/telemetry.js';

const log = createProcessLogger('worker', process.env);

async function main(): Promise<void> {
  const workerConfig = parseWorkerConfig(process.env);
  // Checked before anything connects: a stale bundle would run other workflow code.
  const workflowBundle =
    workerConfig.workflowBundlePath === null
      ? null
      : prebuiltWorkflowBundle(workerConfig.workflowBundlePath);
  const gatewayConfig = parseGatewayConfig(process.env);
  const temporalConfig = parseTemporalConnectionConfig(process.env);
  const { config: codecConfig, dataConverter } = processPayloadCodec(process.env, (m) =>
    log.warn(m),
  );
  const reconcileConfig = parseReconcileConfig(process.env);
  try {
    Runtime.install({
      ...workerTelemetry(workerConfig),
      shutdownSignals: ['SIGINT', 'SIGTERM'],
    });
  } catch (error) {
    // Most likely the metrics port is taken: say which key to change.
    throw new Error(
      `the Temporal runtime did not start (WORKER_METRICS_ADDRESS: is the port free?): ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  // One dispatcher for the check and the client, closed here (an injected one is ours to close).
  const dispatcher = createGatewayDispatcher(gatewayConfig);
  try {
    // Before polling: wrong credentials would otherwise show only as payouts never confirmed.
    await checkGatewayCredentials({ config: gatewayConfig, dispatcher, log });
    const connection = await NativeConnection.connect(connectionOptions(temporalConfig));
    const gateway = createGatewayClient({ config: gatewayConfig, dispatcher });
    try {
      const worker = await createPayoutWorker({
        connection,
        namespace: temporalConfig.namespace,
        taskQueue: temporalConfig.taskQueue,
        gateway,
        dataConverter,
        // Explicit, not the SDK's heap-derived default: memory stays bounded however many wait.
        overrides: {
          maxCachedWorkflows: workerConfig.maxCachedWorkflows,
          ...(workflowBundle === null ? {} : { workflowBundle }),
        },
      });
      if (reconcileConfig.everyMs !== null) {
        const client = new Client({
          connection,
          namespace: temporalConfig.namespace,
          dataConverter,
        });
        const created = await ensureReconciliationSchedule(client, {
          platformId: gatewayConfig.platformId,
          taskQueue: temporalConfig.taskQueue,
          everyMs: reconcileConfig.everyMs,
          staleAfterMs: reconcileConfig.staleAfterMs,
        });
        log.info(created ? 'reconciliation schedule created' : 'reconciliation schedule updated', {
          every: reconcileConfig.everyMs,
        });
      }
      log.info('worker running', {
        temporal: temporalConfig.address,
        namespace: temporalConfig.namespace,
        taskQueue: temporalConfig.taskQueue,
        gateway: describeGatewayConfig(gatewayConfig),
        ...describePayloadCodecConfig(codecConfig),
        metrics:
          workerConfig.metricsAddress === null
            ? 'off'
            : `http://${workerConfig.metricsAddress}/metrics`,
      });
      await worker.run();
      log.info('worker stopped');
    } finally {
      await gateway.close();
      await connection.close();
    }
  } finally {
    await dispatcher.close();
  }
}

runMain('worker', log, main);
