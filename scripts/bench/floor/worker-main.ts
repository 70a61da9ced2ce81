/**
 * The floor workflows' worker as a process of its own, as the payout worker runs in production
 * (`src/worker.ts`): the baseline of the worker-process probes (start, memory). Reads
 * TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, PAYLOAD_CODEC_KEYS and BENCH_FLOOR_BUNDLE (a prebuilt
 * bundle; bundled at start without it); says "worker running" once it polls, stops on SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { parsePayloadCodecConfig, payoutDataConverter } from '../../../src/codec/index.js';
import { floorActivities } from './activities.js';

Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'] });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: 'default',
  taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'bench-floors',
  ...(process.env.BENCH_FLOOR_BUNDLE
    ? { workflowBundle: { codePath: process.env.BENCH_FLOOR_BUNDLE } }
    : { workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)) }),
  activities: floorActivities,
  dataConverter: payoutDataConverter(parsePayloadCodecConfig(process.env)),
});
process.stdout.write('worker running\n');
await worker.run();
await connection.close();
