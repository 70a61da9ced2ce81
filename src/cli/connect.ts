/** The CLI's connection to Temporal: a short wait, and an error that says where it tried. */
import { Connection } from '@temporalio/client';
import { PayoutOrchestratorError } from '../errors.js';
import { connectionOptions, type TemporalConnectionConfig } from '../temporal/connection-config.js';

/** How long the CLI waits for Temporal before it gives up (exit 1). */
export const CONNECT_TIMEOUT = '10s';

/** Temporal did not answer at the configured address. */
export class TemporalUnreachableError extends PayoutOrchestratorError {
  constructor(
    readonly address: string,
    options?: ErrorOptions,
  ) {
    super(
      `cannot reach Temporal at ${address} (TEMPORAL_ADDRESS); is it running? (npm start)`,
      { name: 'TemporalUnreachableError', code: 'ERR_TEMPORAL_UNREACHABLE' },
      options,
    );
  }
}

/** Connects, or throws {@link TemporalUnreachableError}. */
export async function connectTemporal(config: TemporalConnectionConfig): Promise<Connection> {
  try {
    return await Connection.connect({
      ...connectionOptions(config),
      connectTimeout: CONNECT_TIMEOUT,
    });
  } catch (error) {
    throw new TemporalUnreachableError(config.address, { cause: error });
  }
}
