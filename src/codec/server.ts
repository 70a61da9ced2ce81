/**
 * The codec server as a process: `npm run codec-server`. Reads PAYLOAD_CODEC* and CODEC_* from
 * the environment and serves Temporal's remote codec protocol (src/codec/http.ts), so the Web UI
 * and `temporal --codec-endpoint` show payouts decrypted, to those allowed to call it.
 */
import { ConfigError } from '../errors.js';
import { createConsoleLogger } from '../log.js';
import { AesGcmPayloadCodec } from './codec.js';
import { describePayloadCodecConfig, parsePayloadCodecConfig } from './config.js';
import { startCodecServer } from './http.js';
import { parseCodecServerConfig } from './server-config.js';
import { onStopSignal, runMain } from '../process.js';

const log = createConsoleLogger('codec-server');

async function main(): Promise<void> {
  const codecConfig = parsePayloadCodecConfig(process.env);
  const serverConfig = parseCodecServerConfig(process.env);
  if (codecConfig.mode === 'off') {
    throw new ConfigError([
      { field: 'PAYLOAD_CODEC', rule: 'off: payloads are not encrypted, nothing to serve' },
    ]);
  }
  const server = await startCodecServer({
    codec: new AesGcmPayloadCodec(codecConfig.keyRing),
    config: serverConfig,
    log,
  });
  log.info('codec server listening', {
    url: server.url,
    corsOrigins: serverConfig.corsOrigins.join(','),
    bearerToken: serverConfig.authToken === undefined ? 'none' : 'required',
    ...describePayloadCodecConfig(codecConfig),
  });
  if (serverConfig.authToken === undefined && !/^(127\.|localhost$|::1$)/.test(serverConfig.host)) {
    log.warn('no CODEC_AUTH_TOKEN: whoever reaches this address can decrypt payouts', {
      host: serverConfig.host,
    });
  }

  const stop = (signal: string) => {
    log.info('stopping', { signal });
    void server.close().then(() => process.exit(0));
  };
  onStopSignal(stop);
}

runMain('codec server', log, main);
