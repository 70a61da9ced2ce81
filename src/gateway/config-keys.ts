/**
 * The gateway client's environment keys, as one table: the parser takes its defaults from here,
 * and the README, docs/gateway.md and the docker-compose test read it, so they cannot drift apart.
 */

/** Defaults of the optional keys, as the strings an environment would hold. */
export const GATEWAY_CONFIG_DEFAULTS = {
  GATEWAY_SIGN_MODE: 'md5',
  GATEWAY_QUERY_FORM: 'list',
  GATEWAY_PAYOUTS_PATH: '/gateway/api/v2/payouts',
  GATEWAY_ALLOW_HTTP: 'false',
  GATEWAY_CONNECT_TIMEOUT_MS: '3000',
  GATEWAY_HEADERS_TIMEOUT_MS: '10000',
  GATEWAY_BODY_TIMEOUT_MS: '10000',
  GATEWAY_AMOUNT_FORMAT: 'string',
  GATEWAY_REQUEST_TIME_FORMAT: 'string',
} as const;

/** Largest value of each `*_TIMEOUT_MS` key. */
export const MAX_GATEWAY_TIMEOUT_MS = 60_000;

/** One environment key of the gateway client. */
export interface GatewayConfigKey {
  readonly key: string;
  /**
   * `true`: must be set. `false`: optional. `'one-of'`: exactly one key of {@link oneOf} must be
   * set (a value and a `_FILE` holding it).
   */
  readonly required: boolean | 'one-of';
  /** For `'one-of'` keys: the keys of the group, this one included. */
  readonly oneOf?: readonly string[];
  /** Default of an optional key, as the environment would spell it. */
  readonly default?: string;
  readonly meaning: string;
}

const SECRET_KEYS = ['GATEWAY_SECRET', 'GATEWAY_SECRET_FILE'] as const;
const TOKEN_KEYS = ['GATEWAY_AUTH_TOKEN', 'GATEWAY_AUTH_TOKEN_FILE'] as const;
const D = GATEWAY_CONFIG_DEFAULTS;

/** Every key the gateway client reads. An empty value counts as unset. */
export const GATEWAY_CONFIG_KEYS: readonly GatewayConfigKey[] = [
  {
    key: 'GATEWAY_BASE_URL',
    required: true,
    meaning:
      'Gateway origin, https (http only with GATEWAY_ALLOW_HTTP), no credentials, query or fragment; e.g. https://gw.example.com',
  },
  {
    key: 'GATEWAY_PLATFORM_ID',
    required: true,
    meaning: 'Merchant id (platform_id), letters and digits, 1-7 characters',
  },
  {
    key: 'GATEWAY_SECRET',
    required: 'one-of',
    oneOf: SECRET_KEYS,
    meaning: 'Signing secret (never logged)',
  },
  {
    key: 'GATEWAY_SECRET_FILE',
    required: 'one-of',
    oneOf: SECRET_KEYS,
    meaning: 'File holding the signing secret; one trailing newline is dropped',
  },
  {
    key: 'GATEWAY_AUTH_TOKEN',
    required: 'one-of',
    oneOf: TOKEN_KEYS,
    meaning: 'Authorization header value for order queries (never logged)',
  },
  {
    key: 'GATEWAY_AUTH_TOKEN_FILE',
    required: 'one-of',
    oneOf: TOKEN_KEYS,
    meaning: 'File holding the query token; one trailing newline is dropped',
  },
  {
    key: 'GATEWAY_SIGN_MODE',
    required: false,
    default: D.GATEWAY_SIGN_MODE,
    meaning: 'md5 (MD5 of ...&SECRET), md5-key (...&key=SECRET) or hmac-sha256',
  },
  {
    key: 'GATEWAY_QUERY_FORM',
    required: false,
    default: D.GATEWAY_QUERY_FORM,
    meaning: 'list: GET path?payout_cl_id=ID; single: GET path/ID',
  },
  {
    key: 'GATEWAY_PAYOUTS_PATH',
    required: false,
    default: D.GATEWAY_PAYOUTS_PATH,
    meaning:
      'Path of the create call and of both query forms (older deployments: /gateway/api/v1/payouts)',
  },
  {
    key: 'GATEWAY_NOTIFY_URL',
    required: false,
    meaning: 'Callback URL sent as notify_url: https, at most 256 characters; unset: not sent',
  },
  {
    key: 'GATEWAY_ALLOW_HTTP',
    required: false,
    default: D.GATEWAY_ALLOW_HTTP,
    meaning:
      'true lets GATEWAY_BASE_URL and GATEWAY_NOTIFY_URL be http: only for the local sandbox stack',
  },
  {
    key: 'GATEWAY_CONNECT_TIMEOUT_MS',
    required: false,
    default: D.GATEWAY_CONNECT_TIMEOUT_MS,
    meaning: `TCP/TLS connect timeout, 1-${MAX_GATEWAY_TIMEOUT_MS} ms`,
  },
  {
    key: 'GATEWAY_HEADERS_TIMEOUT_MS',
    required: false,
    default: D.GATEWAY_HEADERS_TIMEOUT_MS,
    meaning: `Wait for response headers, 1-${MAX_GATEWAY_TIMEOUT_MS} ms`,
  },
  {
    key: 'GATEWAY_BODY_TIMEOUT_MS',
    required: false,
    default: D.GATEWAY_BODY_TIMEOUT_MS,
    meaning: `Longest silence while reading the body, 1-${MAX_GATEWAY_TIMEOUT_MS} ms`,
  },
  {
    key: 'GATEWAY_AMOUNT_FORMAT',
    required: false,
    default: D.GATEWAY_AMOUNT_FORMAT,
    meaning: 'Send amount as a JSON string ("50000") or number (50000)',
  },
  {
    key: 'GATEWAY_REQUEST_TIME_FORMAT',
    required: false,
    default: D.GATEWAY_REQUEST_TIME_FORMAT,
    meaning: 'Send request_time as a JSON string or number',
  },
];
