import { DefaultLogger, type RuntimeOptions } from '@temporalio/worker';
import { sdkLogFunction } from '../log.js';
import type { WorkerConfig } from '../worker/config.js';
import { prometheusMetrics } from './prometheus.js';

/**
 * The worker's telemetry, for `Runtime.install` (once per process): the Temporal SDK's lines, the
 * workflows' and activities' `log` and the SDK core's lines come out in the worker's log format,
 * redacted, at `LOG_LEVEL`; with a metrics address, the Prometheus endpoint.
 */
export function workerTelemetry(
  config: WorkerConfig,
  write?: (line: string) => void,
): Pick<RuntimeOptions, 'logger' | 'telemetryOptions'> {
  return {
    // WARN by default: INFO would print the workflow bundler's output at every start.
    logger: new DefaultLogger(config.logLevel, sdkLogFunction('temporal', config.logFormat, write)),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: config.logLevel, other: 'ERROR' } },
      ...(config.metricsAddress === null
        ? {}
        : { metrics: prometheusMetrics(config.metricsAddress) }),
    },
  };
}
