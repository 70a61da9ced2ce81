import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, PayloadCodecError } from '../../src/codec/index.js';
import { newKey, ring } from './support.js';

const ACCOUNT = '6228480402564890018';
const request = {
  merchantOrderId: 'ORDER-1',
  amountCents: 50_000,
  bankName: '中国农业银行',
  recipientName: '张三',
  accountNumber: ACCOUNT,
};
const plain = (): Payload => defaultPayloadConverter.toPayload(request);
const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/** The error `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<PayloadCodecError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PayloadCodecError)) throw new Error(`expected a PayloadCodecError`);
  return error;
}

describe('AesGcmPayloadCodec', () => {
  const k1 = newKey();
  const k2 = newKey();

  it('round trip: the stored payload names only its encoding and key, and reads back the same', async () => {
    const codec = new AesGcmPayloadCodec(ring(['k1', k1]));
    const [encrypted] = await codec.encode([plain()]);
    expect(Object.keys(encrypted?.metadata ?? {}).sort()).toEqual([
      'encoding',
      'encryption-key-id',
    ]);
    expect(utf8(encrypted?.metadata?.[METADATA_ENCODING_KEY])).toBe('binary/encrypted');
    expect(utf8(encrypted?.metadata?.['encryption-key-id'])).toBe('k1');
    // Neither the data nor its original encoding is readable.
    const stored = Buffer.from(encrypted?.data ?? []);
    for (const secret of [ACCOUNT, request.recipientName, request.bankName, 'json/plain']) {
      expect(stored.includes(Buffer.from(secret))).toBe(false);
    }

    const [decoded] = await codec.decode([encrypted ?? {}]);
    expect(utf8(decoded?.metadata?.[METADATA_ENCODING_KEY])).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded ?? {})).toEqual(request);
  });

  it('a fresh 12-byte IV per payload: the same value never encrypts the same way twice', async () => {
    const codec = new AesGcmPayloadCodec(ring(['k1', k1]));
    const [a, b] = await codec.encode([plain(), plain()]);
    const ivA = Buffer.from(a?.data ?? []).subarray(0, 12);
    const ivB = Buffer.from(b?.data ?? []).subarray(0, 12);
    expect(ivA.equals(ivB)).toBe(false);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  it('refuses a payload whose IV, ciphertext or tag was altered', async () => {
    const codec = new AesGcmPayloadCodec(ring(['k1', k1]));
    const [encrypted] = await codec.encode([plain()]);
    const data = Buffer.from(encrypted?.data ?? []);
    for (const at of [0, 12, Math.floor(data.length / 2), data.length - 1]) {
      const tampered = Buffer.from(data);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      const error = await failure(codec.decode([{ ...encrypted, data: tampered }]));
      expect(error.code, `byte ${at}`).toBe('ERR_PAYLOAD_CODEC_DECRYPT');
      expect(error.keyId).toBe('k1');
    }
    const cut = await failure(codec.decode([{ ...encrypted, data: data.subarray(0, 20) }]));
    expect(cut.code).toBe('ERR_PAYLOAD_CODEC_MALFORMED');
  });

  it('refuses a payload relabelled with another configured key id', async () => {
    const codec = new AesGcmPayloadCodec(ring(['k2', k2], ['k1', k1]));
    const [encrypted] = await codec.encode([plain()]);
    const relabelled = {
      ...encrypted,
      metadata: { ...encrypted?.metadata, 'encryption-key-id': Buffer.from('k1') },
    };
    expect((await failure(codec.decode([relabelled]))).code).toBe('ERR_PAYLOAD_CODEC_DECRYPT');
  });

  it('key rotation: encrypted with k1, read after k2 became current; new payloads use k2', async () => {
    const before = new AesGcmPayloadCodec(ring(['k1', k1]));
    const [old] = await before.encode([plain()]);

    const after = new AesGcmPayloadCodec(ring(['k2', k2], ['k1', k1]));
    const [decoded] = await after.decode([old ?? {}]);
    expect(defaultPayloadConverter.fromPayload(decoded ?? {})).toEqual(request);
    const [fresh] = await after.encode([plain()]);
    expect(utf8(fresh?.metadata?.['encryption-key-id'])).toBe('k2');
    // A process that still has only k1 cannot read it: roll k2 out as an older key first.
    expect((await failure(before.decode([fresh ?? {}]))).keyId).toBe('k2');
  });

  it('an unknown key id fails naming the id, and no key', async () => {
    const [old] = await new AesGcmPayloadCodec(ring(['k1', k1])).encode([plain()]);
    const error = await failure(new AesGcmPayloadCodec(ring(['k2', k2])).decode([old ?? {}]));
    expect(error).toMatchObject({ code: 'ERR_PAYLOAD_CODEC_UNKNOWN_KEY', keyId: 'k1' });
    expect(error.message).toContain('k1');
    for (const key of [k1, k2]) {
      expect(error.message).not.toContain(key);
      expect(error.message).not.toContain(Buffer.from(key, 'base64').toString('hex'));
    }
  });

  it('passes unencrypted payloads through decode: histories from before encryption still read', async () => {
    const codec = new AesGcmPayloadCodec(ring(['k1', k1]));
    const [decoded] = await codec.decode([plain()]);
    expect(defaultPayloadConverter.fromPayload(decoded ?? {})).toEqual(request);
  });

  it('keeps every kind of payload: binary data, empty data, extra metadata', async () => {
    const codec = new AesGcmPayloadCodec(ring(['k1', k1]));
    const originals: Payload[] = [
      defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
      defaultPayloadConverter.toPayload(undefined),
      {
        metadata: { encoding: Buffer.from('json/plain'), messageType: Buffer.from('x') },
        data: Buffer.from('1'),
      },
    ];
    const decoded = await codec.decode(await codec.encode(originals));
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(
      originals.map((p) => defaultPayloadConverter.fromPayload(p)),
    );
    expect(utf8(decoded[2]?.metadata?.['messageType'])).toBe('x');
  });
});
