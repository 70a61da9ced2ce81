import type { PayoutRequest } from '../../../src/client/request.js';
import type { GatewayOrder } from '../../../vocabulary/gateway.js';
import { type GatewayConfig, parseGatewayConfig } from '../../../src/gateway/config.js';

/** The docs' test merchant. */
export const TEST_SECRET = 'ThisIsYourSecretKey123';
export const TEST_TOKEN = 'test-query-token-7f3a';
export const TEST_PLATFORM = 'PF0002';

/** The create request of the gateway's own doc page, without its sign. */
export const DOC_EXAMPLE = {
  amount: '50000',
  bank_name: '中国农业银行',
  name: 'test_name',
  notify_url: 'https://xxx.xx/notification',
  number: 'test',
  payout_cl_id: 'DEVPOT00143538',
  platform_id: 'PF0002',
  request_time: '1595504997',
  service_id: 'SVC0004',
} as const;

/** A valid payout request. */
export const TEST_REQUEST: PayoutRequest = {
  merchantOrderId: 'ORDER-1',
  amountCents: 50_000,
  bankName: '中国农业银行',
  recipientName: '李雷',
  accountNumber: '6228480000000000000',
};

/** The order of the tests' query answers and callbacks, as the client reads it. */
export const TEST_ORDER: GatewayOrder = {
  payoutId: 'POT00000001',
  payoutClId: 'ORD-1',
  platformId: 'PF0002',
  state: 'success',
  statusCode: 3,
  amountCents: 12345,
  realAmountCents: 12345,
  feeCents: 0,
  createTime: 1700000000,
  updateTime: 1700000100,
};

/** A config parsed the way the worker parses it, with short timeouts for tests. */
export function testConfig(
  baseUrl: string,
  env: Readonly<Record<string, string>> = {},
): GatewayConfig {
  return parseGatewayConfig({
    GATEWAY_BASE_URL: baseUrl,
    GATEWAY_PLATFORM_ID: TEST_PLATFORM,
    GATEWAY_SECRET: TEST_SECRET,
    GATEWAY_AUTH_TOKEN: TEST_TOKEN,
    GATEWAY_CONNECT_TIMEOUT_MS: '200',
    GATEWAY_HEADERS_TIMEOUT_MS: '200',
    GATEWAY_BODY_TIMEOUT_MS: '200',
    // Test servers listen on loopback, in plain http.
    ...(baseUrl.startsWith('http:') ? { GATEWAY_ALLOW_HTTP: 'true' } : {}),
    ...env,
  });
}
