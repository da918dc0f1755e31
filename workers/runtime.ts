import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { redact } from '../core/logger';
import { errorMessage } from '../core/errors';

/**
 * The Temporal Core runtime, once per process and before any connection: Temporal's own logging
 * (one line per event, credentials scrubbed) and its Prometheus exporter (task slots, pollers,
 * schedule-to-start latency, sticky cache) on `metricsAddress`.
 */

let installed = false;

function temporalLogger(level: LogLevel): DefaultLogger {
  return new DefaultLogger(level, ({ level: lvl, message, meta }) => {
    const m = (meta ?? {}) as Record<string, unknown>;
    const error = m.error instanceof Error ? m.error.message : m.error;
    const where = [m.workflowType, m.activityType, m.workflowId].filter(Boolean).join(' ');
    process.stderr.write(
      redact(`${new Date().toISOString()} ${lvl.padEnd(5)} [temporal] ${message}${where ? ` (${where})` : ''}${error ? `: ${String(error)}` : ''}`) + '\n',
    );
  });
}

/** What the runtime ended up with: whether our exporter is the one bound, so callers can say so. */
export interface RuntimeState {
  metricsAddress?: string;
}

let state: RuntimeState = {};

/**
 * Idempotent: a process hosting several workers (tests) installs once, and a runtime the host
 * installed first (e.g. @temporalio/testing) is kept. A taken metrics port must not stop the
 * worker: it runs without the SDK's series and says why.
 */
export function installRuntime(level: LogLevel, metricsAddress?: string): RuntimeState {
  if (installed) return state;
  installed = true;
  const logger = temporalLogger(level);
  const metrics = metricsAddress
    ? {
        metrics: {
          prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
        },
      }
    : {};
  try {
    Runtime.install({ logger, telemetryOptions: { ...metrics } });
    state = { metricsAddress };
  } catch (err) {
    if (/already been (installed|instantiated)/.test(errorMessage(err))) return state;
    process.stderr.write(
      `${new Date().toISOString()} warn  [worker] Temporal SDK metrics are off: cannot serve them on ${metricsAddress}: ${errorMessage(err)}\n`,
    );
    try {
      Runtime.install({ logger });
    } catch {
      // installed by the host process meanwhile
    }
  }
  return state;
}
