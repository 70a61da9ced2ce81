/** The gateway client's public API. See docs/gateway.md. */
export * from '../../vocabulary/gateway.js';
export {
  canonicalString,
  acceptedSignMode,
  receivedSignMode,
  sign,
  signCanonical,
  verifySign,
  UnsignableFieldError,
  type WireValue,
} from './sign.js';
export {
  parseGatewayConfig,
  describeGatewayConfig,
  gatewayCallDeadlineMs,
  UNDICI_TIMER_SLACK_MS,
  type GatewayConfig,
  type GatewayConfigDeps,
} from './config.js';
export {
  GATEWAY_CONFIG_KEYS,
  GATEWAY_CONFIG_DEFAULTS,
  MAX_GATEWAY_TIMEOUT_MS,
  type GatewayConfigKey,
} from './config-keys.js';
export {
  PAYOUT_SERVICE_ID,
  buildCreateRequest,
  wireCreateRequestSchema,
  type SignedCreateRequest,
  type WireCreateFields,
  type WireInteger,
} from './create-request.js';
export { submitPayout, type SubmitDeps } from './submit.js';
export { queryPayout, NO_SUCH_ORDER_CODE, type QueryDeps, type QueryPayoutInput } from './query.js';
export {
  verifyCallback,
  REQUIRED_CALLBACK_FIELDS,
  type CallbackErrorCode,
  type CallbackVerification,
} from './callback.js';
export {
  checkGatewayCredentials,
  CREDENTIAL_CHECK_RETRY_DELAYS_MS,
  PROBE_ID_PREFIX,
  type CredentialCheckDeps,
  type CredentialCheckResult,
} from './credential-check.js';
export {
  createGatewayClient,
  createGatewayDispatcher,
  type GatewayClient,
  type GatewayClientOptions,
} from './client.js';
