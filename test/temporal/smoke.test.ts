import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startDevServerEnv, startTimeSkippingEnv, useTestEnv } from '../support/temporal.js';
import type { smokeWorkflow } from './smoke-workflows.js';

const workflowsPath = fileURLToPath(new URL('./smoke-workflows.ts', import.meta.url));

async function runSmoke(env: TestWorkflowEnvironment, taskQueue: string): Promise<string> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities: { greet: (name: string) => Promise.resolve(`hello ${name}`) },
  });
  return worker.runUntil(
    env.client.workflow.execute<typeof smokeWorkflow>('smokeWorkflow', {
      taskQueue,
      workflowId: `smoke-${taskQueue}`,
      args: ['payouts'],
    }),
  );
}

describe('provisioned Temporal servers', () => {
  describe('time-skipping server', () => {
    const env = useTestEnv(startTimeSkippingEnv);

    it('runs a workflow whose day-long timer is skipped', async () => {
      const started = Date.now();
      await expect(runSmoke(env(), 'smoke-ts')).resolves.toBe('hello payouts');
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  });

  describe('dev server', () => {
    const env = useTestEnv(startDevServerEnv);

    it('runs a workflow and registers the payout search attributes', async () => {
      // The dev server does not skip time, so the smoke workflow is only started here.
      const handle = await env().client.workflow.start<typeof smokeWorkflow>('smokeWorkflow', {
        taskQueue: 'smoke-dev',
        workflowId: 'smoke-dev',
        args: ['payouts'],
      });
      const described = await handle.describe();
      expect(described.status.name).toBe('RUNNING');
      const attrs = await env().connection.operatorService.listSearchAttributes({
        namespace: 'default',
      });
      expect(Object.keys(attrs.customAttributes)).toEqual(
        expect.arrayContaining(['PayoutStatus', 'MerchantOrderId', 'PlatformId', 'AmountCents']),
      );
      await handle.terminate('smoke test done');
    });
  });
});
