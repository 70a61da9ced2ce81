import { Connection } from '@temporalio/client';
import { devServerSearchAttributeFlags } from '../src/temporal/search-attributes-setup.js';

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

/**
 * The arguments of a headless `temporal server start-dev` on 127.0.0.1:`port` with its SQLite
 * file `dbFile`, quiet but for errors, the payout search attributes registered.
 */
export function headlessDevServerArgs(port: number, dbFile: string): string[] {
  return [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--db-filename',
    dbFile,
    '--log-level',
    'error',
    ...devServerSearchAttributeFlags(),
  ];
}
