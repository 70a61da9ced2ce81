/**
 * `npm run sandbox`: a sandbox payout gateway configured from the environment (see
 * src/sandbox/README.md). Stops cleanly on SIGINT/SIGTERM.
 */
import { ConfigError } from '../errors.js';
import { banner } from './banner.js';
import { parseSandboxEnv } from './env.js';
import { consoleLogger } from './logger.js';
import { startSandboxGateway } from './server.js';

async function main(): Promise<void> {
  let options;
  try {
    options = parseSandboxEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const gateway = await startSandboxGateway({ ...options, logger: consoleLogger() });
  console.log(banner(gateway));

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`Received ${signal}, stopping the sandbox gateway`);
    // Should something still hold the loop open, do not hang forever.
    setTimeout(() => process.exit(1), 5000).unref();
    gateway.close().then(
      () => console.log('Sandbox gateway stopped'),
      (error: unknown) => {
        console.error('Sandbox gateway did not stop cleanly', error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Sandbox gateway failed to start:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
