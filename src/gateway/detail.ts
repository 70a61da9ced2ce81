import type { GatewayConfig } from './config.js';

/** Longest text quoted from a gateway response into an outcome's `detail`. */
export const MAX_QUOTED_CHARS = 200;

// eslint-disable-next-line no-control-regex
const CONTROL_RUN = /[\u0000-\u001f\u007f]+/g;

/**
 * Makes received text safe to put in an outcome's `detail` (which reaches workflow history and
 * logs): our credentials are replaced wherever they appear, in case a server echoes them,
 * control characters become spaces, and the text is cut to {@link MAX_QUOTED_CHARS}.
 */
export function quoteReceived(
  text: string,
  config: Pick<GatewayConfig, 'secret' | 'authToken'>,
): string {
  let safe = text;
  for (const credential of [config.secret, config.authToken]) {
    if (credential.length > 0) safe = safe.split(credential).join('[redacted]');
  }
  safe = safe.replace(CONTROL_RUN, ' ').trim();
  return safe.length > MAX_QUOTED_CHARS ? `${safe.slice(0, MAX_QUOTED_CHARS)}…` : safe;
}
