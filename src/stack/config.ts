import { CALLBACK_CONFIG_KEYS } from '../callback/config.js';
import { envKeys, parseEnv, portSchema, textSchema } from '../config-keys.js';

// The stack builds notify_url from it, so 0 (any free port) will not do here.
const CALLBACK_PORT_KEY = { ...CALLBACK_CONFIG_KEYS[1], schema: portSchema } as const;

/** Settings of the local stack (`npm start`); the services keep their own keys. */
export interface StackConfig {
  /** Set: use this Temporal instead of starting a dev server. */
  readonly externalTemporal: boolean;
  /** Set: use the configured gateway instead of starting the sandbox. */
  readonly externalGateway: boolean;
  readonly temporalPort: number;
  readonly temporalUiPort: number;
  readonly sandboxPort: number;
  readonly callbackPort: number;
  readonly dataDir: string;
}

/** The env keys read by {@link parseStackConfig}: defaults, rules and docs in one place. */
export const STACK_CONFIG_KEYS = envKeys([
  {
    key: 'STACK_TEMPORAL_PORT',
    default: '7233',
    meaning: 'gRPC port of the local Temporal dev server',
    schema: portSchema,
  },
  {
    key: 'STACK_TEMPORAL_UI_PORT',
    default: '8233',
    meaning: 'port of the Temporal Web UI',
    schema: portSchema,
  },
  {
    key: 'STACK_SANDBOX_PORT',
    default: '8787',
    meaning: 'port of the sandbox gateway',
    schema: portSchema,
  },
  {
    key: 'STACK_DATA_DIR',
    default: '.data',
    meaning: 'where the dev server and the sandbox keep their state between runs',
    schema: textSchema,
  },
] as const);

/** Parses the stack's settings; throws {@link ConfigError} naming the bad keys. */
export function parseStackConfig(env: Readonly<Record<string, string | undefined>>): StackConfig {
  // The receiver's port too: the stack hands it to the receiver and to notify_url.
  const e = parseEnv([...STACK_CONFIG_KEYS, CALLBACK_PORT_KEY], env);
  const set = (key: string) => (env[key] ?? '').trim() !== '';
  return {
    externalTemporal: set('TEMPORAL_ADDRESS'),
    externalGateway: set('GATEWAY_BASE_URL'),
    temporalPort: e.STACK_TEMPORAL_PORT,
    temporalUiPort: e.STACK_TEMPORAL_UI_PORT,
    sandboxPort: e.STACK_SANDBOX_PORT,
    callbackPort: e.CALLBACK_PORT,
    dataDir: e.STACK_DATA_DIR,
  };
}
