/** How long `check` and `resolve` wait for a worker to take the update (exit 1 after). */
import { PayoutOrchestratorError } from '../errors.js';

export const WORKER_ANSWER_TIMEOUT_MS = 60_000;

/** No worker took the update in time: none polls the task queue, or all are busy. */
export class NoWorkerAnswerError extends PayoutOrchestratorError {
  constructor(
    readonly taskQueue: string,
    readonly waitedMs: number,
  ) {
    super(
      `no worker answered within ${Math.round(waitedMs / 1000)} s on task queue ${taskQueue} ` +
        `(TEMPORAL_TASK_QUEUE): is a worker running? The request may still apply once one ` +
        `polls; see status before sending it again`,
      { name: 'NoWorkerAnswerError', code: 'ERR_NO_WORKER_ANSWER' },
    );
  }
}

/** `work`, or {@link NoWorkerAnswerError} once `ms` passed without its answer. */
export async function withWorkerDeadline<T>(
  work: Promise<T>,
  taskQueue: string,
  ms = WORKER_ANSWER_TIMEOUT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoWorkerAnswerError(taskQueue, ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
