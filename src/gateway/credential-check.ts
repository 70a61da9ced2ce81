import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';
import type { Logger } from '../log.js';
import type { GatewayConfig } from './config.js';
import { queryPayout } from './query.js';
import { readJsonObject } from './response.js';
import { type WireValue, acceptedSignMode, verifySign } from './sign.js';
import { exchange } from './transport.js';
import type { QueryOutcome, SignMode } from '../../vocabulary/gateway.js';
import { isJsonObject } from './wire-values.js';

/** What {@link checkGatewayCredentials} needs; injected like the rest of the client. */
export interface CredentialCheckDeps {
  readonly config: GatewayConfig;
  readonly dispatcher: Dispatcher;
  /** Gets the one INFO line saying what could be checked. */
  readonly log?: Pick<Logger, 'info'>;
  /** Waits between tries while the gateway cannot be reached. Default: 1, 2, 3, 4 s. */
  readonly retryDelaysMs?: readonly number[];
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What the check found. */
export interface CredentialCheckResult {
  /** A listed order's sign verified: secret and sign mode are right. */
  readonly signChecked: boolean;
  /** Queries sent for the not-found probe (more than one when the gateway was unreachable). */
  readonly attempts: number;
}

/** Waits between tries while unreachable: five tries over about ten seconds. */
export const CREDENTIAL_CHECK_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 3_000, 4_000];

/** Start of the probe's merchant order id; random letters and digits follow, so no order has it. */
export const PROBE_ID_PREFIX = 'zzcredcheck-';

const DOCS = 'docs/gateway.md (Startup check)';
const TOKEN_KEYS = 'GATEWAY_AUTH_TOKEN / GATEWAY_AUTH_TOKEN_FILE';
const ENDPOINT_KEYS = 'GATEWAY_BASE_URL / GATEWAY_PAYOUTS_PATH / GATEWAY_QUERY_FORM';
const SIGN_KEYS = 'GATEWAY_SECRET / GATEWAY_SECRET_FILE / GATEWAY_SIGN_MODE';

/**
 * Checks the gateway credentials before the worker takes any work: a wrong token, path or
 * secret would otherwise show only as payouts stuck unconfirmed. Read-only: it sends queries,
 * never a create.
 *
 * 1. A status query for a `payout_cl_id` that cannot exist must answer "not found" (an empty
 *    list, or `0050`): `0006` means the token is wrong; a 404 or any other unusable answer, the
 *    base URL, path or query form; no answer after the retries, the base URL.
 * 2. List form only: an unfiltered listing with `limit=1`. A listed order whose sign does not
 *    verify means the secret or sign mode is wrong; no order at all is logged as not checked yet.
 *
 * @throws {ConfigError} naming the keys to fix, never their values.
 */
export async function checkGatewayCredentials(
  deps: CredentialCheckDeps,
): Promise<CredentialCheckResult> {
  const attempts = await probeNotFound(deps);
  if (deps.config.queryForm !== 'list') {
    deps.log?.info(
      'gateway token and path checked; the sign is checked on the first order queried (single form lists none)',
    );
    return { signChecked: false, attempts };
  }
  const signChecked = await checkListedSign(deps);
  deps.log?.info(
    signChecked
      ? 'gateway token, path, secret and sign mode checked'
      : 'gateway token and path checked; the sign could not be checked yet: the gateway lists no order',
  );
  return { signChecked, attempts };
}

async function probeNotFound(deps: CredentialCheckDeps): Promise<number> {
  const delays = deps.retryDelaysMs ?? CREDENTIAL_CHECK_RETRY_DELAYS_MS;
  const sleep = deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // Random, so a gateway (or a test double) cannot hold an order under it by accident.
  const merchantOrderId = `${PROBE_ID_PREFIX}${randomBytes(8).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    const outcome = await queryPayout(
      { merchantOrderId, amountCents: 1 },
      { config: deps.config, dispatcher: deps.dispatcher },
    );
    const problem = probeProblem(outcome);
    if (problem === undefined) return attempt;
    const delay = delays[attempt - 1];
    if (!problem.transient || delay === undefined) {
      throw new ConfigError(
        [
          {
            field: problem.keys,
            rule: problem.transient ? `${problem.rule} after ${attempt} tries` : problem.rule,
          },
        ],
        DOCS,
      );
    }
    await sleep(delay);
  }
}

interface Problem {
  readonly keys: string;
  readonly rule: string;
  /** Worth another try: nothing answered, or a 5xx (a gateway restarting). */
  readonly transient: boolean;
}

/** What a not-found probe's answer says about the config, or `undefined` when all is well. */
function probeProblem(outcome: QueryOutcome): Problem | undefined {
  const endpoint = (rule: string, transient = false): Problem => ({
    keys: ENDPOINT_KEYS,
    rule,
    transient,
  });
  switch (outcome.kind) {
    case 'not-found':
      return undefined;
    case 'found':
    case 'mismatch':
    case 'bad-signature':
      return endpoint('a status query for an order that cannot exist answered with an order');
    case 'unavailable':
      break;
  }
  if (outcome.reason === 'gateway-error') {
    if (outcome.code === '0006') {
      return {
        keys: TOKEN_KEYS,
        rule: 'the gateway refused the query token: 0006 Invalid Authorization',
        transient: false,
      };
    }
    return endpoint(
      `a status query answered error_code ${outcome.code ?? '(none)'}, not "no such order"`,
    );
  }
  if (outcome.reason === 'timeout' || outcome.reason === 'connection') {
    return {
      keys: 'GATEWAY_BASE_URL',
      rule: `the gateway cannot be reached: ${outcome.reason === 'timeout' ? 'no answer in time' : 'connection failed'}`,
      transient: true,
    };
  }
  if (outcome.reason === 'http-status') {
    const status = /^HTTP (\d{3})/.exec(outcome.detail)?.[1] ?? '?';
    return endpoint(`a status query answered HTTP ${status}`, status.startsWith('5'));
  }
  return endpoint(`a status query gave no usable answer (${outcome.reason})`);
}

/** Lists one order and verifies its sign; `false` when none is listed. */
async function checkListedSign(deps: CredentialCheckDeps): Promise<boolean> {
  const { config } = deps;
  const result = await exchange(deps.dispatcher, config, {
    method: 'GET',
    url: `${config.baseUrl}${config.payoutsPath}?limit=1`,
    headers: { authorization: config.authToken, accept: 'application/json' },
  });
  const read = readJsonObject(result, config);
  // The probe proved the query works; a deployment without an unfiltered listing just leaves
  // the sign unchecked here (every query answer is verified anyway).
  if (!read.ok || read.body['error_code'] !== '0000') return false;
  const data = read.body['data'];
  const item: unknown = Array.isArray(data) ? data[0] : undefined;
  if (!isJsonObject(item)) return false;

  const fields = item as Record<string, WireValue>;
  const platformId = item['platform_id'];
  const listed = typeof platformId === 'number' ? String(platformId) : platformId;
  // Checked first: another merchant's orders would not verify with our secret either, and the
  // secret is not what is wrong then.
  if (typeof listed === 'string' && listed !== config.platformId) {
    throw new ConfigError(
      [
        {
          field: `${TOKEN_KEYS} / GATEWAY_PLATFORM_ID`,
          rule: 'the query token lists the orders of another merchant id',
        },
      ],
      DOCS,
    );
  }
  const mode = acceptedSignMode(item['sign_type'], config.signMode);
  if (verifySign(fields, config.secret, mode)) return true;
  const otherModes = (['md5', 'md5-key', 'hmac-sha256'] as const satisfies SignMode[]).filter(
    (m) => m !== mode,
  );
  const inAnotherMode = otherModes.some((m) => verifySign(fields, config.secret, m));
  throw new ConfigError(
    [
      {
        field: SIGN_KEYS,
        rule: inAnotherMode
          ? 'a listed order verifies with this secret only in another sign mode: check GATEWAY_SIGN_MODE'
          : 'a listed order does not verify with this secret in any sign mode: check GATEWAY_SECRET',
      },
    ],
    DOCS,
  );
}
