import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './codec.js';
import { parsePayloadCodecConfig, type PayloadCodecConfig } from './config.js';

/**
 * The module of the product's failure converter, for bundles built ahead of the worker: the
 * workflow sandbox converts failures with what was bundled. Same extension as this file: .ts
 * under tsx, .js once compiled.
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(
  new URL(`./failure-converter${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/**
 * The data converter of every Temporal client and worker of the product: payloads encrypted by
 * {@link AesGcmPayloadCodec}, failure messages and stack traces encoded into payloads so they are
 * encrypted too. With `PAYLOAD_CODEC=off`, Temporal's default (plaintext).
 *
 * @example
 * new Client({ connection, dataConverter: payoutDataConverter(parsePayloadCodecConfig(process.env)) });
 */
export function payoutDataConverter(config: PayloadCodecConfig): DataConverter {
  if (config.mode === 'off') return {};
  return {
    payloadCodecs: [new AesGcmPayloadCodec(config.keyRing)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

/** Says, for a startup log, that payloads will be stored readable. */
export const PLAINTEXT_WARNING =
  'PAYLOAD_CODEC=off: recipient names and account numbers are stored in plaintext in Temporal';

/**
 * A process's codec from its env: the config (for its start-up line, see
 * `describePayloadCodecConfig`) and the data converter, with {@link PLAINTEXT_WARNING} said
 * through `warn` when payloads will be stored readable.
 */
export function processPayloadCodec(
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
): { config: PayloadCodecConfig; dataConverter: DataConverter } {
  const config = parsePayloadCodecConfig(env);
  if (config.mode === 'off') warn(PLAINTEXT_WARNING);
  return { config, dataConverter: payoutDataConverter(config) };
}
