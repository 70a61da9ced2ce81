import { PayoutOrchestratorError } from '../errors.js';

/**
 * A payload the codec cannot encrypt or decrypt. The message names the key id, never a key; a
 * worker that meets one fails the workflow task (retried), so the payout waits instead of
 * running on data it cannot read.
 */
export class PayloadCodecError extends PayoutOrchestratorError {
  constructor(
    /** `ERR_PAYLOAD_CODEC_UNKNOWN_KEY`, `ERR_PAYLOAD_CODEC_DECRYPT` or `ERR_PAYLOAD_CODEC_MALFORMED`. */
    code:
      'ERR_PAYLOAD_CODEC_UNKNOWN_KEY' | 'ERR_PAYLOAD_CODEC_DECRYPT' | 'ERR_PAYLOAD_CODEC_MALFORMED',
    message: string,
    /** The key id the payload names, when it names one. */
    readonly keyId?: string,
  ) {
    super(message, { name: 'PayloadCodecError', code });
  }
}
