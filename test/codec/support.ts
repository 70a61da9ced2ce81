/** Key rings for the codec tests: fresh random keys, as an operator would generate them. */
import { randomBytes } from 'node:crypto';
import { parseKeyRing, type PayloadKeyRing } from '../../src/codec/config.js';

/** A random 32-byte key in the form PAYLOAD_CODEC_KEYS holds it. */
export const newKey = (): string => randomBytes(32).toString('base64');

/** The ring `id:key,...` (the first is current). */
export function ring(...entries: ReadonlyArray<readonly [string, string]>): PayloadKeyRing {
  return parseKeyRing(entries.map(([id, key]) => `${id}:${key}`).join(','));
}
