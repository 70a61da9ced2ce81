import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { preparePrivateDataDir } from '../../src/stack/data-dir.js';

describe('the data directory of npm start', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

  it('is created owner-only when missing', () => {
    root = mkdtempSync(join(tmpdir(), 'data-dir-'));
    const dir = join(root, 'project', '.data');
    preparePrivateDataDir(dir);
    expect(mode(dir)).toBe('700');
  });

  it('is tightened with its files when it exists, but a link out of it is left alone', () => {
    root = mkdtempSync(join(tmpdir(), 'data-dir-'));
    const dir = join(root, '.data');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'temporal.sqlite'), '');
    chmodSync(join(dir, 'temporal.sqlite'), 0o644);
    const outside = join(root, 'elsewhere.txt');
    writeFileSync(outside, '');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link'));

    preparePrivateDataDir(dir);
    expect(mode(dir)).toBe('700');
    expect(mode(join(dir, 'temporal.sqlite'))).toBe('600');
    expect(mode(outside)).toBe('644');
  });
});
