import { describe, expect, it } from 'vitest';
import { NoWorkerAnswerError, withWorkerDeadline } from '../../src/cli/deadline.js';
import { ExitCode, report } from '../../src/cli/exit.js';

describe('check and resolve without a worker', () => {
  it('give up after the deadline, naming the task queue, with exit 1', async () => {
    const never = new Promise<never>(() => {});
    const error: unknown = await withWorkerDeadline(never, 'payouts', 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoWorkerAnswerError);
    const { code, message } = report(error);
    expect(code).toBe(ExitCode.Failure);
    expect(message).toContain('task queue payouts (TEMPORAL_TASK_QUEUE)');
    expect(message).toContain('see status before sending it again');
  });

  it('answer as the update answered when a worker takes it in time', async () => {
    await expect(withWorkerDeadline(Promise.resolve('done'), 'payouts', 1_000)).resolves.toBe(
      'done',
    );
  });
});
