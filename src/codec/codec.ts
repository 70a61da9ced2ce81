import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { PayloadKeyRing } from './config.js';
import { PayloadCodecError } from './errors.js';

// The default import: Node's ESM loader sees no named exports in this CommonJS package.
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/** `metadata.encoding` of an encrypted payload (the value Temporal's encryption samples use). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key a payload was encrypted with. */
export const METADATA_KEY_ID = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = (bytes: Uint8Array | null | undefined) =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/**
 * AES-256-GCM over whole payloads: the original payload (metadata and data) serialized as a
 * protobuf `temporal.api.common.v1.Payload`, encrypted under a fresh random 12-byte IV, stored as
 * IV || ciphertext || 16-byte tag (the layout of Temporal's encryption samples). Metadata carries
 * only `encoding` and the key id, so even the original encoding stays inside.
 *
 * Encrypts with the key ring's current key; decrypts with whichever key the payload names, so
 * payloads from before a rotation stay readable as long as their key stays in the ring. Payloads
 * that are not encrypted pass through decode unchanged: histories from before encryption was
 * turned on keep working.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly currentKey: KeyObject;

  constructor(private readonly keyRing: PayloadKeyRing) {
    const key = keyRing.keys.get(keyRing.currentKeyId);
    if (key === undefined) {
      throw new PayloadCodecError(
        'ERR_PAYLOAD_CODEC_UNKNOWN_KEY',
        `The current key ${keyRing.currentKeyId} is not in the key ring`,
        keyRing.currentKeyId,
      );
    }
    this.currentKey = key;
  }

  /** The key id new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.keyRing.currentKeyId;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyRing.currentKeyId;
    return Promise.resolve(
      payloads.map((payload) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', this.currentKey, iv);
        const body = cipher.update(ProtoPayload.encode(payload).finish());
        return {
          metadata: {
            [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
            [METADATA_KEY_ID]: Buffer.from(keyId),
          },
          data: Buffer.concat([iv, body, cipher.final(), cipher.getAuthTag()]),
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    try {
      return Promise.resolve(payloads.map((payload) => this.decodeOne(payload)));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private decodeOne(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
    if (keyId === undefined || keyId === '') {
      throw new PayloadCodecError(
        'ERR_PAYLOAD_CODEC_MALFORMED',
        `An encrypted payload without ${METADATA_KEY_ID} cannot be decrypted`,
      );
    }
    const key = this.keyRing.keys.get(keyId);
    if (key === undefined) {
      throw new PayloadCodecError(
        'ERR_PAYLOAD_CODEC_UNKNOWN_KEY',
        `A payload is encrypted with key ${keyId}, which is not configured: add it to PAYLOAD_CODEC_KEYS (after the current key) to read it`,
        keyId,
      );
    }
    const data = payload.data ?? new Uint8Array(0);
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadCodecError(
        'ERR_PAYLOAD_CODEC_MALFORMED',
        `A payload encrypted with key ${keyId} is too short to hold an IV and a tag`,
        keyId,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      // GCM's tag check: the bytes were changed, or another key of that name encrypted them.
      throw new PayloadCodecError(
        'ERR_PAYLOAD_CODEC_DECRYPT',
        `A payload encrypted with key ${keyId} failed authentication: it was altered, or key ${keyId} is not the one it was encrypted with`,
        keyId,
      );
    }
    return ProtoPayload.decode(plain);
  }
}
