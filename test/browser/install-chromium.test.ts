import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ChromiumNotFoundError,
  chromiumOnPath,
  ensureChromium,
} from '../../scripts/install-chromium.js';

/** How the browser test finds its Chromium, without installing anything. */
describe('scripts/install-chromium.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-find-'));
  const fake = join(dir, 'chromium');
  writeFileSync(fake, '#!/bin/sh\n');
  chmodSync(fake, 0o755);
  const notExecutable = join(dir, 'plain-file');
  writeFileSync(notExecutable, '');
  const quiet = () => undefined;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes CHROMIUM_PATH as it is when it is an executable', () => {
    expect(ensureChromium({ env: { CHROMIUM_PATH: fake, PATH: '' }, log: quiet })).toBe(fake);
  });

  it('refuses a CHROMIUM_PATH that is not an executable, saying so, instead of installing', () => {
    for (const path of [notExecutable, join(dir, 'missing'), dir]) {
      const attempt = () => ensureChromium({ env: { CHROMIUM_PATH: path }, log: quiet });
      expect(attempt).toThrow(ChromiumNotFoundError);
      expect(attempt).toThrow(`CHROMIUM_PATH=${path} is not an executable file`);
      expect(attempt).toThrow(/apt-get install -y chromium.*CHROMIUM_PATH/s);
    }
  });

  it('finds chromium on PATH before it would install one', () => {
    expect(chromiumOnPath({ PATH: `/nonexistent:${dir}` })).toBe(fake);
    expect(ensureChromium({ env: { PATH: dir }, log: quiet })).toBe(fake);
    expect(chromiumOnPath({ PATH: '/nonexistent' })).toBeUndefined();
  });
});
