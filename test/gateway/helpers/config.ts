import { type GatewayConfig, parseGatewayConfig } from '../../../src/gateway/config.js';

/** The docs' test merchant. */
export const TEST_SECRET = 'ThisIsYourSecretKey123';
export const TEST_TOKEN = 'test-query-token-7f3a';
export const TEST_PLATFORM = 'PF0002';

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
