/**
 * `npm run temporal:setup`: registers the payout search attributes in the namespace named by
 * TEMPORAL_NAMESPACE on the cluster at TEMPORAL_ADDRESS (same TLS / API key settings as the worker).
 * Safe to run at every deploy.
 */
import { Connection } from '@temporalio/client';
import { ConfigError } from '../errors.js';
import {
  connectionOptions,
  parseTemporalConnectionConfig,
  type TemporalConnectionConfig,
} from './connection-config.js';
import { ensurePayoutSearchAttributes } from './search-attributes-setup.js';

/** In a fresh deployment the cluster may still be starting: retry for up to two minutes. */
async function connectWithRetry(config: TemporalConnectionConfig): Promise<Connection> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await Connection.connect(connectionOptions(config));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      process.stderr.write(`Temporal at ${config.address} not reachable yet; retrying in 3 s\n`);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  }
}

async function main(): Promise<void> {
  const config = parseTemporalConnectionConfig(process.env);
  const connection = await connectWithRetry(config);
  try {
    const added = await ensurePayoutSearchAttributes(connection, config.namespace);
    process.stdout.write(
      added.length > 0
        ? `Registered search attributes in ${config.namespace}: ${added.join(', ')}\n`
        : `Search attributes already registered in ${config.namespace}.\n`,
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `temporal:setup failed: ${error instanceof Error ? error.message : String(error)}`}\n`,
  );
  process.exit(1);
});
