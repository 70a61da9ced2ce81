import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { README_CONFIG_SECTIONS } from '../../src/config-docs.js';
import { renderReadme } from '../../scripts/render-readme.js';

const path = fileURLToPath(new URL('../../README.md', import.meta.url));
const readme = readFileSync(path, 'utf8');

describe('README.md', () => {
  it('lists every configuration key the code reads (npm run docs:config refreshes it)', async () => {
    expect(readme).toBe(await renderReadme(readme, path));
    for (const keys of Object.values(README_CONFIG_SECTIONS)) {
      for (const { key } of keys) expect(readme).toContain(`\`${key}\``);
    }
  });

  it('gives the test command and the one-command start', () => {
    expect(readme).toContain('npm test');
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm run payout -- demo');
  });
});
