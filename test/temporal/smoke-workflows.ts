import { proxyActivities, sleep } from '@temporalio/workflow';

const { greet } = proxyActivities<{ greet(name: string): Promise<string> }>({
  startToCloseTimeout: '10s',
});

/** Sleeps a day (free on the time-skipping server), then calls one activity. */
export async function smokeWorkflow(name: string): Promise<string> {
  await sleep('1 day');
  return greet(name);
}
