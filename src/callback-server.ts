/**
 * The callback receiver as a process: `tsx src/callback-server.ts`. Reads GATEWAY_*, TEMPORAL_*,
 * CALLBACK_* and PAYLOAD_CODEC* from the environment, listens behind `notify_url` and signals
 * payout workflows.
 */
import { Client, Connection } from '@temporalio/client';
import { parseCallbackServerConfig } from './callback/config.js';
import { createTemporalDelivery } from './callback/deliver.js';
import { startCallbackReceiver } from './callback/receiver.js';
import { describePayloadCodecConfig, processPayloadCodec } from './codec/index.js';
import { createGatewayClient } from './gateway/client.js';
import { parseGatewayConfig } from './gateway/config.js';
import { createProcessLogger, parseLogFormat } from './log.js';
import { connectionOptions, parseTemporalConnectionConfig } from './temporal/connection-config.js';
import { onStopSignal, runMain } from './process.js';

const log = createProcessLogger('callbacks', process.env);

async function main(): Promise<void> {
  parseLogFormat(process.env);
  const gatewayConfig = parseGatewayConfig(process.env);
  const temporalConfig = parseTemporalConnectionConfig(process.env);
  const serverConfig = parseCallbackServerConfig(process.env);
  // Its signals carry the gateway's news of a payout: encrypted like everything else.
  const { config: codecConfig, dataConverter } = processPayloadCodec(process.env, (m) =>
    log.warn(m),
  );

  const connection = await Connection.connect(connectionOptions(temporalConfig));
  const client = new Client({
    connection,
    namespace: temporalConfig.namespace,
    dataConverter,
  });
  const gateway = createGatewayClient({ config: gatewayConfig });
  const receiver = await startCallbackReceiver(
    {
      verify: (body) => gateway.verifyCallback(body),
      deliver: createTemporalDelivery(client, gatewayConfig.platformId, {
        taskQueue: temporalConfig.taskQueue,
      }),
      log,
    },
    serverConfig,
  );
  log.info('callback receiver listening', {
    url: `${receiver.url}${serverConfig.path}`,
    ...describePayloadCodecConfig(codecConfig),
  });

  const stop = (signal: string) => {
    // Repeats are logged once per callback; the total is worth one line at the end.
    log.info('stopping', { signal, repeatedCallbacks: receiver.stats().repeats });
    void receiver
      .close()
      .then(() => gateway.close())
      .then(() => connection.close())
      .then(() => process.exit(0));
  };
  onStopSignal(stop);
}

runMain('callback receiver', log, main);
