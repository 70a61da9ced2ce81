import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CALLBACK_CONFIG_KEYS, parseCallbackServerConfig } from '../../src/callback/config.js';
import { PAYLOAD_CODEC_CONFIG_KEYS, parsePayloadCodecConfig } from '../../src/codec/config.js';
import { CODEC_SERVER_CONFIG_KEYS, parseCodecServerConfig } from '../../src/codec/server-config.js';
import { ConfigError } from '../../src/errors.js';
import { GATEWAY_CONFIG_KEYS } from '../../src/gateway/config-keys.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import { parseSandboxEnv } from '../../src/sandbox/env.js';
import { LOG_CONFIG_KEYS, parseLogFormat } from '../../src/log.js';
import { parseWorkerConfig, WORKER_CONFIG_KEYS } from '../../src/worker/config.js';
import {
  parseTemporalConnectionConfig,
  TEMPORAL_CONFIG_KEYS,
} from '../../src/temporal/connection-config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const compose = z
  .object({
    services: z.record(
      z.string(),
      z.looseObject({
        image: z.string().optional(),
        build: z.unknown().optional(),
        command: z.array(z.string()).optional(),
        environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
        ports: z.array(z.string()).optional(),
        profiles: z.array(z.string()).optional(),
        depends_on: z.unknown().optional(),
      }),
    ),
  })
  .parse(parse(readFileSync(`${root}docker-compose.yml`, 'utf8'), { merge: true }));

const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

/** The environment a service gets when no variable is set on the host: `${X:-default}` -> default. */
function defaults(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([key, value]) => {
      const text = String(value);
      const m = /^\$\{[A-Z_]+:-(.*)\}$/.exec(text);
      expect(text.includes('${') ? m : true, `${name}.${key} uses \${VAR:-default}`).toBeTruthy();
      return [key, m ? (m[1] ?? '') : text];
    }),
  );
}

const known = new Set<string>([
  ...GATEWAY_CONFIG_KEYS.map((k) => k.key),
  ...TEMPORAL_CONFIG_KEYS.map((k) => k.key),
  ...CALLBACK_CONFIG_KEYS.map((k) => k.key),
  ...PAYLOAD_CODEC_CONFIG_KEYS.map((k) => k.key),
  ...LOG_CONFIG_KEYS.map((k) => k.key),
  ...WORKER_CONFIG_KEYS.map((k) => k.key),
]);

describe('docker-compose.yml', () => {
  it('has the production-shaped services: the real gateway and the sandbox each in a profile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'callbacks',
        'callbacks-sandbox',
        'codec-server',
        'postgresql',
        'sandbox',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'worker',
        'worker-sandbox',
      ].sort(),
    );
    for (const name of ['sandbox', 'worker-sandbox', 'callbacks-sandbox']) {
      expect(service(name).profiles, name).toEqual(['sandbox']);
    }
    for (const name of ['worker', 'callbacks']) expect(service(name).profiles).toEqual(['gateway']);
    for (const name of [
      'codec-server',
      'temporal-setup',
      'postgresql',
      'temporal',
      'temporal-ui',
    ]) {
      expect(service(name).profiles, name).toBeUndefined();
    }
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.image === undefined) {
        expect(s.build, `${name} has an image or a build`).toBeDefined();
        continue;
      }
      expect(s.image, name).toMatch(/^[a-z0-9./-]+:\d+\.\d+[\w.-]*$/);
    }
    expect(service('temporal').image).toMatch(/^temporalio\/auto-setup:/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(service('postgresql').image).toMatch(/^postgres:/);
    expect(service('temporal').environment?.['DB']).toBe('postgres12');
  });

  it('publishes the ports a person uses on loopback unless told otherwise', () => {
    const published = (name: string) => service(name).ports ?? [];
    expect(published('temporal')).toEqual(['${TEMPORAL_PUBLISH_HOST:-127.0.0.1}:7233:7233']);
    expect(published('temporal-ui')).toEqual(['${TEMPORAL_UI_PUBLISH_HOST:-127.0.0.1}:8080:8080']);
    expect(published('callbacks')).toEqual(['${CALLBACK_PUBLISH_HOST:-127.0.0.1}:8788:8788']);
    expect(published('sandbox')).toEqual(['${SANDBOX_PUBLISH_HOST:-127.0.0.1}:8787:8787']);
    // The database is reachable only on the compose network.
    expect(service('postgresql').ports).toBeUndefined();
  });

  it('the image holds every source folder the processes import', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    const copied = new Set([...dockerfile.matchAll(/^COPY (\S+) \.\/\S*$/gm)].map((m) => m[1]));
    // The top-level folders of the product's code, and every one they import from.
    const folders = ['src', 'workflows', 'activities', 'vocabulary'];
    for (const folder of folders) {
      expect(existsSync(`${root}${folder}`), folder).toBe(true);
      expect(copied.has(folder), `Dockerfile copies ${folder}/`).toBe(true);
    }
    for (const folder of folders) {
      for (const file of readdirSync(`${root}${folder}`, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue;
        const text = readFileSync(`${root}${folder}/${file}`, 'utf8');
        for (const m of text.matchAll(/from '((?:\.\.\/)+)([a-z-]+)\//g)) {
          const depth = file.split('/').length; // folder/file.ts: one ../ leaves the folder
          if ((m[1] ?? '').length / 3 < depth) continue;
          expect(copied.has(m[2] ?? ''), `${folder}/${file} imports ${m[2]}/`).toBe(true);
        }
      }
    }
  });

  it('builds the workflow bundle the worker is told to start from', () => {
    const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
    const built = /^RUN node --import tsx scripts\/build-workflows\.ts (\S+)$/m.exec(
      dockerfile,
    )?.[1];
    const used = /^ENV WORKER_WORKFLOW_BUNDLE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(built).toBeDefined();
    expect(used).toBe(built);
    expect(existsSync(`${root}scripts/build-workflows.ts`)).toBe(true);
    expect(dockerfile.indexOf('RUN node --import tsx scripts/build-workflows.ts')).toBeGreaterThan(
      dockerfile.indexOf('COPY vocabulary'),
    );
  });

  it('runs commands whose entry files exist, from an image the Dockerfile builds', () => {
    expect(existsSync(`${root}Dockerfile`)).toBe(true);
    for (const name of ['worker', 'callbacks', 'codec-server', 'sandbox', 'temporal-setup']) {
      const entry = service(name).command?.at(-1) ?? '';
      expect(existsSync(`${root}${entry}`), `${name}: ${entry}`).toBe(true);
    }
  });

  it('gives every process only keys its config knows, and Temporal config that parses', () => {
    for (const name of [
      'worker',
      'callbacks',
      'worker-sandbox',
      'callbacks-sandbox',
      'temporal-setup',
    ]) {
      const env = defaults(name);
      for (const key of Object.keys(env))
        expect(known.has(key), `${name}: unknown key ${key}`).toBe(true);
      expect(parseTemporalConnectionConfig(env).address, name).toBe('temporal:7233');
    }
    for (const name of ['worker', 'worker-sandbox']) {
      // JSON lines for a collector, and metrics on the compose network.
      expect(parseWorkerConfig(defaults(name)), name).toMatchObject({
        logFormat: 'json',
        metricsAddress: '0.0.0.0:9464',
      });
    }
    expect(parseLogFormat(defaults('callbacks'))).toBe('json');
    const receiver = parseCallbackServerConfig(defaults('callbacks'));
    expect(receiver).toMatchObject({ host: '0.0.0.0', port: 8788, path: '/callbacks/payout' });
  });

  it('has no default credentials for the real gateway: the worker names each missing key', () => {
    for (const name of ['worker', 'callbacks']) {
      const env = defaults(name);
      expect(() => parseGatewayConfig(env), name).toThrow(ConfigError);
      try {
        parseGatewayConfig(env);
      } catch (error) {
        const fields = (error as ConfigError).issues.map((i) => i.field);
        expect(fields).toEqual(
          expect.arrayContaining([
            'GATEWAY_BASE_URL',
            'GATEWAY_PLATFORM_ID',
            'GATEWAY_SECRET',
            'GATEWAY_AUTH_TOKEN',
          ]),
        );
      }
      // With the host's values, https only: the sandbox-only opt-in is off.
      const config = parseGatewayConfig({
        ...env,
        GATEWAY_BASE_URL: 'https://gw.example.com',
        GATEWAY_PLATFORM_ID: 'PF0009',
        GATEWAY_SECRET: 'from-the-host',
        GATEWAY_AUTH_TOKEN: 'from-the-host-too',
        GATEWAY_NOTIFY_URL: 'https://merchant.example.com/callbacks/payout',
      });
      expect(config.allowHttp).toBe(false);
      expect(() =>
        parseGatewayConfig({ ...env, GATEWAY_BASE_URL: 'http://gw.example.com' }),
      ).toThrow(/GATEWAY_BASE_URL \(must be https/);
    }
    const text = readFileSync(`${root}docker-compose.yml`, 'utf8');
    const sandboxSecret = 'ThisIsYourSecretKey123';
    for (const name of ['worker', 'callbacks']) {
      expect(JSON.stringify(service(name).environment)).not.toContain(sandboxSecret);
    }
    expect(text).toContain(sandboxSecret); // only in the sandbox profile's anchor and service
  });

  it('starts the sandbox profile against the sandbox, with the merchant the worker signs as', () => {
    const sandbox = parseSandboxEnv(defaults('sandbox'));
    for (const name of ['worker-sandbox', 'callbacks-sandbox']) {
      const gateway = parseGatewayConfig(defaults(name));
      expect(gateway.baseUrl).toBe('http://sandbox:8787');
      expect(gateway.notifyUrl).toBe('http://callbacks-sandbox:8788/callbacks/payout');
      expect(sandbox.merchant).toMatchObject({
        platformId: gateway.platformId,
        secret: gateway.secret,
        authToken: gateway.authToken,
        signMode: gateway.signMode,
      });
    }
    expect(sandbox.port).toBe(8787);
  });

  it('registers the search attributes before the worker and the receiver start', () => {
    expect(service('worker').depends_on).toMatchObject({
      'temporal-setup': { condition: 'service_completed_successfully' },
    });
    for (const name of ['callbacks', 'worker-sandbox', 'callbacks-sandbox']) {
      expect(service(name).depends_on).toMatchObject({
        'temporal-setup': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('hides the Web UI buttons that end, rewind or restart a payout; keeps signal and update', () => {
    const ui = defaults('temporal-ui');
    for (const key of [
      'TEMPORAL_WORKFLOW_TERMINATE_DISABLED',
      'TEMPORAL_WORKFLOW_CANCEL_DISABLED',
      'TEMPORAL_WORKFLOW_RESET_DISABLED',
      'TEMPORAL_START_WORKFLOW_DISABLED',
      'TEMPORAL_BATCH_ACTIONS_DISABLED',
    ]) {
      expect(ui[key], key).toBe('true');
    }
    expect(ui['TEMPORAL_WORKFLOW_SIGNAL_DISABLED']).toBe('false');
    expect(ui['TEMPORAL_DISABLE_WRITE_ACTIONS']).toBeUndefined();
  });

  it('encrypts payloads: no key on the host, the worker, the receiver and the codec server refuse to start', () => {
    for (const name of ['worker', 'callbacks', 'codec-server']) {
      const env = defaults(name);
      expect(() => parsePayloadCodecConfig(env), name).toThrow(ConfigError);
      expect(() => parsePayloadCodecConfig(env), name).toThrow(/PAYLOAD_CODEC_KEYS \(required/);
      const withKey = {
        ...env,
        PAYLOAD_CODEC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      };
      expect(parsePayloadCodecConfig(withKey), name).toMatchObject({ mode: 'aes-256-gcm' });
    }
  });

  it('runs the codec server for the Web UI: its origin allowed, its endpoint published on loopback', () => {
    const env = defaults('codec-server');
    const codecKeys = new Set<string>(
      [...CODEC_SERVER_CONFIG_KEYS, ...PAYLOAD_CODEC_CONFIG_KEYS].map((k) => k.key),
    );
    for (const key of Object.keys(env)) expect(codecKeys.has(key), `unknown key ${key}`).toBe(true);
    const server = parseCodecServerConfig(env);
    expect(server).toMatchObject({ host: '0.0.0.0', port: 8789 });
    expect(server.authToken).toBeUndefined();
    const uiPort = (service('temporal-ui').ports?.[0] ?? '').split(':').at(-2);
    expect(server.corsOrigins).toEqual([`http://localhost:${uiPort}`]);
    expect(service('codec-server').ports).toEqual([
      `\${CODEC_PUBLISH_HOST:-127.0.0.1}:8789:${server.port}`,
    ]);
    expect(defaults('temporal-ui')['TEMPORAL_CODEC_ENDPOINT']).toBe('http://localhost:8789');
  });
});
