import { ConfigurationError } from '../core/errors.js';

export interface ObservabilitySettings {
  /** `KKP_GITOPS_SHUTDOWN_TIMEOUT_MS`: longest wait for in-flight work on SIGTERM. Default: 60000. */
  readonly shutdownTimeoutMs: number;
  /** `KKP_GITOPS_READY_TIMEOUT_MS`: longest a readiness check may take. Default: 5000. */
  readonly readyTimeoutMs: number;
  /** `LOG_LEVEL` (as Probot reads it). Default: `info`. */
  readonly logLevel: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveInteger(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigurationError(`${name} must be a positive whole number of milliseconds, not "${raw}"`);
  return value;
}

/** Reads the settings of the observability modules from environment variables (pass `process.env`). */
export function readObservabilityEnv(env: Readonly<Record<string, string | undefined>>): ObservabilitySettings {
  const logLevel = env.LOG_LEVEL === undefined || env.LOG_LEVEL === '' ? 'info' : env.LOG_LEVEL;
  if (!LEVELS.includes(logLevel)) throw new ConfigurationError(`LOG_LEVEL must be one of ${LEVELS.join(', ')}, not "${logLevel}"`);
  return {
    shutdownTimeoutMs: positiveInteger(env, 'KKP_GITOPS_SHUTDOWN_TIMEOUT_MS', 60_000),
    readyTimeoutMs: positiveInteger(env, 'KKP_GITOPS_READY_TIMEOUT_MS', 5_000),
    logLevel,
  };
}
