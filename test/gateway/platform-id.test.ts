/** The platform id has one rule everywhere: the worker's config and the workflow input. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { TEST_REQUEST } from './helpers/config.js';
import { payoutWorkflowId } from '../../workflows/api.js';
import { parsePayoutWorkflowInput } from '../../workflows/input.js';

const REQUEST = TEST_REQUEST;

describe('platform id: one rule for the worker config and the workflow input', () => {
  const env = (platformId: string) => ({
    GATEWAY_BASE_URL: 'https://gw.example',
    GATEWAY_PLATFORM_ID: platformId,
    GATEWAY_SECRET: 'secret-1',
    GATEWAY_AUTH_TOKEN: 'token-1',
  });
  const configAccepts = (platformId: string): boolean => {
    try {
      parseGatewayConfig(env(platformId));
      return true;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      expect(error.issues).toEqual([
        { field: 'GATEWAY_PLATFORM_ID', rule: 'letters and digits only, 1 to 7 characters' },
      ]);
      return false;
    }
  };
  const workflowAccepts = (platformId: string): boolean => {
    const result = parsePayoutWorkflowInput(
      { request: REQUEST, platformId },
      // The id the client would start it under; an id it cannot build is refused anyway.
      {
        workflowId:
          platformId.includes(':') || platformId === ''
            ? 'x'
            : payoutWorkflowId(platformId, 'ORDER-1'),
      },
    );
    if (!result.ok) {
      expect(result.issues).toEqual([
        { field: 'platformId', rule: 'letters and digits only, 1 to 7 characters' },
      ]);
    }
    return result.ok;
  };

  it.each(['PF0002', 'A', 'abc1234'])('both accept %s', (id) => {
    expect(configAccepts(id)).toBe(true);
    expect(workflowAccepts(id)).toBe(true);
  });

  it.each(['PF-02', 'PF_02', 'PF00002X', 'PF:1', 'P F'])('both refuse %s', (id) => {
    expect(configAccepts(id)).toBe(false);
    expect(workflowAccepts(id)).toBe(false);
  });

  it('agree on any string', () => {
    const id = fc.string({
      unit: fc.constantFrom('A', 'z', '0', '9', '-', '_', ':', ' ', '中'),
      minLength: 1,
      maxLength: 9,
    });
    fc.assert(
      fc.property(id, (platformId) => {
        expect(workflowAccepts(platformId)).toBe(configAccepts(platformId));
      }),
    );
  });
});
