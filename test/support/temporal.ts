import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, inject } from 'vitest';
import { PAYOUT_SEARCH_ATTRIBUTES } from '../../workflows/api.js';

/**
 * Starts a time-skipping test server on a free port (for workflows with long timers).
 * Call `env.teardown()` in `afterAll`: it stops the server process.
 */
export async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: inject('temporalTestServerExecutable') },
  });
}

/**
 * Starts a Temporal dev server (in-memory SQLite, or the file `dbFilename`) on a free port with
 * the payout search attributes registered (for tests where real time and visibility matter).
 * Call `env.teardown()` in `afterAll`.
 */
export async function startDevServerEnv(
  options: { registerSearchAttributes?: boolean; dbFilename?: string } = {},
): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: inject('temporalCliExecutable'),
      ...(options.dbFilename === undefined ? {} : { dbFilename: options.dbFilename }),
      searchAttributes:
        options.registerSearchAttributes === false ? [] : [...PAYOUT_SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: 'warn' },
    },
  });
}

/**
 * Starts a server with `start` before the file's (or describe block's) tests and stops it after
 * them; the returned function gives the running environment.
 */
export function useTestEnv(
  start: () => Promise<TestWorkflowEnvironment>,
): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await start();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  return () => {
    if (env === undefined) throw new Error('the Temporal test server has not started');
    return env;
  };
}
