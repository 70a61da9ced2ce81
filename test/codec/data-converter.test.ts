import { ApplicationFailure } from '@temporalio/common';
import {
  decodeFailure,
  encodeErrorToFailure,
  encodeToPayloads,
  loadDataConverter,
} from '@temporalio/common/lib/internal-non-workflow/index.js';
import { describe, expect, it } from 'vitest';
import { parsePayloadCodecConfig, payoutDataConverter } from '../../src/codec/index.js';
import { newKey } from './support.js';

const ACCOUNT = '6228480402564890018';
const NAME = '张三';
const utf8 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('payoutDataConverter', () => {
  const converter = loadDataConverter(
    payoutDataConverter(parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS: `k1:${newKey()}` })),
  );

  it('encrypts values and failures: no message or stack trace stays readable', async () => {
    const [payload] = (await encodeToPayloads(converter, { accountNumber: ACCOUNT })) ?? [];
    expect(utf8(payload?.metadata?.['encoding'])).toBe('binary/encrypted');

    const error = ApplicationFailure.nonRetryable(`account ${ACCOUNT} of ${NAME} refused`, 'Bank');
    const failure = await encodeErrorToFailure(converter, error);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(utf8(failure.encodedAttributes?.metadata?.['encoding'])).toBe('binary/encrypted');
    const stored = JSON.stringify(failure) + utf8(failure.encodedAttributes?.data);
    expect(stored).not.toContain(ACCOUNT);
    expect(stored).not.toContain(NAME);
    expect(stored).not.toContain('data-converter.test');

    // The same converter reads it back whole.
    const decoded = converter.failureConverter.failureToError(
      await decodeFailure(converter.payloadCodecs, failure),
      converter.payloadConverter,
    );
    expect(decoded.message).toBe(`account ${ACCOUNT} of ${NAME} refused`);
    expect(decoded).toMatchObject({ type: 'Bank', nonRetryable: true });
  });

  it('PAYLOAD_CODEC=off: the default converter, readable by anyone', async () => {
    const off = loadDataConverter(payoutDataConverter({ mode: 'off' }));
    expect(off.payloadCodecs).toEqual([]);
    const [payload] = (await encodeToPayloads(off, { accountNumber: ACCOUNT })) ?? [];
    expect(utf8(payload?.data)).toContain(ACCOUNT);
  });
});
