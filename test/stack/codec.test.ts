import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePayloadCodecConfig } from '../../src/codec/index.js';
import { ensureStackCodecKey, STACK_KEY_FILE, withLocalStackKey } from '../../src/stack/codec.js';

describe("the local stack's payload key", () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once, owner-only, in the form PAYLOAD_CODEC_KEYS reads; later starts keep it', () => {
    dir = mkdtempSync(join(tmpdir(), 'stack-key-'));
    const first = ensureStackCodecKey(dir, { now: () => new Date('2031-04-05T10:00:00Z') });
    expect(first).toEqual({ path: join(dir, STACK_KEY_FILE), created: true });
    expect((statSync(first.path).mode & 0o777).toString(8)).toBe('600');
    const text = readFileSync(first.path, 'utf8');
    const config = parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS_FILE: first.path });
    expect(config).toMatchObject({ keyRing: { currentKeyId: 'local-20310405' } });

    const again = ensureStackCodecKey(dir);
    expect(again.created).toBe(false);
    expect(readFileSync(again.path, 'utf8')).toBe(text);
  });

  it('an existing file is never replaced, even a broken one: the config names it instead', () => {
    dir = mkdtempSync(join(tmpdir(), 'stack-key-'));
    writeFileSync(join(dir, STACK_KEY_FILE), 'garbage');
    chmodSync(join(dir, STACK_KEY_FILE), 0o600);
    expect(ensureStackCodecKey(dir).created).toBe(false);
    expect(readFileSync(join(dir, STACK_KEY_FILE), 'utf8')).toBe('garbage');
    expect(() =>
      parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS_FILE: join(dir, STACK_KEY_FILE) }),
    ).toThrow(/PAYLOAD_CODEC_KEYS_FILE/);
  });
});

describe('the key a command-line tool uses with no key configured', () => {
  const root = '/project';
  const keyFile = join(root, '.data', STACK_KEY_FILE);
  const exists = (path: string) => path === keyFile || path === `/elsewhere/${STACK_KEY_FILE}`;

  it("is the local stack's, for the local Temporal", () => {
    for (const address of [undefined, '', 'localhost:7233', '127.0.0.1:7300']) {
      const env = withLocalStackKey({ TEMPORAL_ADDRESS: address }, root, exists);
      expect(env['PAYLOAD_CODEC_KEYS_FILE'], String(address)).toBe(keyFile);
    }
    expect(
      withLocalStackKey({ STACK_DATA_DIR: '/elsewhere' }, root, exists)['PAYLOAD_CODEC_KEYS_FILE'],
    ).toBe(`/elsewhere/${STACK_KEY_FILE}`);
  });

  it('is none for a remote Temporal, nor when the environment configures the codec', () => {
    expect(withLocalStackKey({ TEMPORAL_ADDRESS: 'temporal.prod:7233' }, root, exists)).toEqual({
      TEMPORAL_ADDRESS: 'temporal.prod:7233',
    });
    for (const env of [
      { PAYLOAD_CODEC: 'off' },
      { PAYLOAD_CODEC_KEYS: 'k1:x' },
      { PAYLOAD_CODEC_KEYS_FILE: '/run/keys' },
    ]) {
      expect(withLocalStackKey(env, root, exists)).toEqual(env);
    }
    expect(withLocalStackKey({}, root, () => false)).toEqual({});
  });
});
