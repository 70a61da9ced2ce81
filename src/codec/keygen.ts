/**
 * `npm run -s codec:keygen [-- ID]`: prints one new payload key, `ID:BASE64` (32 random bytes),
 * ready for PAYLOAD_CODEC_KEYS or its file. The id defaults to `k` and today's date. Nothing is
 * stored: put it in your secret store.
 */
import { randomBytes } from 'node:crypto';

const id = process.argv[2] ?? `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
  process.stderr.write("a key id is 1-64 letters, digits, '.', '_' or '-'\n");
  process.exit(2);
}
process.stdout.write(`${id}:${randomBytes(32).toString('base64')}\n`);
