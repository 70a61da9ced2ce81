/**
 * `npm run payout -- <command>`: the operators' CLI. Lists, counts, shows, checks and resolves
 * payouts; starts them and runs the demo. See {@link USAGE} and the README's "Operator CLI".
 *
 * Reads TEMPORAL_* (default: the local dev server), GATEWAY_PLATFORM_ID (default PF0002, the
 * sandbox merchant) and PAYLOAD_CODEC* (default, for the local stack only: the key `npm start`
 * keeps in its data directory).
 */
import { Client } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import {
  createPayoutClient,
  parsePayloadCodecConfig,
  payoutDataConverter,
} from '../client/index.js';
import { PLAINTEXT_WARNING } from '../codec/index.js';
import { withLocalStackKey } from '../stack/codec.js';
import { parseTemporalConnectionConfig } from '../temporal/connection-config.js';
import { parseCommandLine, type Command } from './args.js';
import { connectTemporal } from './connect.js';
import { ExitCode, report } from './exit.js';
import { parsePlatformId } from './flags.js';
import { endQuietlyOnClosedPipe, out } from './output.js';
import { runCommand } from './run.js';
import { USAGE } from './usage.js';

async function main(argv: readonly string[]): Promise<void> {
  const command: Command = parseCommandLine(argv);
  if (command.name === 'help') {
    out(USAGE);
    return;
  }
  const platformId = parsePlatformId(process.env['GATEWAY_PLATFORM_ID'] || 'PF0002');
  const config = parseTemporalConnectionConfig(process.env);
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  const codec = parsePayloadCodecConfig(withLocalStackKey(process.env, projectRoot));
  if (codec.mode === 'off') process.stderr.write(`warning: ${PLAINTEXT_WARNING}\n`);
  const connection = await connectTemporal(config);
  try {
    const client = new Client({
      connection,
      namespace: config.namespace,
      dataConverter: payoutDataConverter(codec),
    });
    const payouts = createPayoutClient({ client, platformId, taskQueue: config.taskQueue });
    await runCommand(command, { client, payouts, platformId, taskQueue: config.taskQueue });
  } finally {
    await connection.close();
  }
}

endQuietlyOnClosedPipe();
main(process.argv.slice(2)).then(
  () => {
    process.exitCode = ExitCode.Ok;
  },
  (error: unknown) => {
    const { code, message } = report(error);
    process.stderr.write(`payout: ${message}\n`);
    if (code === ExitCode.Usage) process.stderr.write(`\n${USAGE}\n`);
    process.exitCode = code;
  },
);
