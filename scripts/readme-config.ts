/** `npm run docs:config`: rewrites the README's configuration tables from the code's key lists. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderReadme } from './render-readme.js';

const path = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(path, await renderReadme(readFileSync(path, 'utf8'), path));
process.stdout.write('README.md configuration tables updated\n');
