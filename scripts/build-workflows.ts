/** `npm run build:workflows [-- PATH]`: the worker's workflow bundle, built ahead of its start. */
import { resolve } from 'node:path';
import { buildWorkflowBundle } from '../src/worker/workflow-bundle.js';

const path = resolve(process.argv[2] ?? '.build/workflow-bundle.js');
const started = Date.now();
const bytes = await buildWorkflowBundle(path);
process.stdout.write(
  `workflow bundle: ${path} (${(bytes / 1024).toFixed(0)} KiB, built in ${Date.now() - started} ms); ` +
    `start the worker with WORKER_WORKFLOW_BUNDLE=${path}\n`,
);
