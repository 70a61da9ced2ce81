/**
 * The failure converter of every payout worker and client, loaded by path
 * (`DataConverter.failureConverterPath`) because the worker also bundles it into the workflow
 * sandbox: so it imports only `@temporalio/common`, never the codec or Node.
 *
 * `encodeCommonAttributes` moves a failure's message and stack trace into an encoded payload,
 * which the payload codec then encrypts: error messages can quote payout data.
 */
import { DefaultFailureConverter } from '@temporalio/common';

/** Temporal's default failure converter, with message and stack trace encoded (see above). */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
