import { Connection } from '@temporalio/client';

/**
 * Waits until the Temporal frontend at `address` answers, at most 60 s, while `alive()` says its
 * process still runs; the error then ends with `why()` (e.g. the server's last output lines).
 */
export async function waitForTemporal(
  address: string,
  alive: () => boolean,
  why: () => string = () => '',
): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > until || !alive()) {
        const detail = why();
        throw new Error(`the dev server did not come up${detail ? `: ${detail}` : ''}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
