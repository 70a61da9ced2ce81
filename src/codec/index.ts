/** Payload encryption for everything the product stores in Temporal. */
export { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID } from './codec.js';
export {
  describePayloadCodecConfig,
  parseKeyRing,
  parsePayloadCodecConfig,
  PAYLOAD_CODEC_CONFIG_KEYS,
  type PayloadCodecConfig,
  type PayloadCodecConfigDeps,
  type PayloadKeyRing,
} from './config.js';
export { payoutDataConverter, PLAINTEXT_WARNING, processPayloadCodec } from './data-converter.js';
export { PayloadCodecError } from './errors.js';
