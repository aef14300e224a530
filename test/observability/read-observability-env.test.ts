import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/core/errors.js';
import { readObservabilityEnv } from '../../src/observability/read-observability-env.js';

describe('observability settings from the environment', () => {
  it('falls back to the documented defaults', () => {
    expect(readObservabilityEnv({})).toEqual({ shutdownTimeoutMs: 60_000, readyTimeoutMs: 5_000, logLevel: 'info' });
  });

  it('reads the timeouts and the log level', () => {
    expect(readObservabilityEnv({ KKP_GITOPS_SHUTDOWN_TIMEOUT_MS: '30000', KKP_GITOPS_READY_TIMEOUT_MS: '2000', LOG_LEVEL: 'debug' })).toEqual({
      shutdownTimeoutMs: 30_000,
      readyTimeoutMs: 2_000,
      logLevel: 'debug',
    });
  });

  it('rejects a timeout that is not a positive whole number, and an unknown log level', () => {
    expect(() => readObservabilityEnv({ KKP_GITOPS_SHUTDOWN_TIMEOUT_MS: '1m' })).toThrow(ConfigurationError);
    expect(() => readObservabilityEnv({ KKP_GITOPS_READY_TIMEOUT_MS: '0' })).toThrow(/KKP_GITOPS_READY_TIMEOUT_MS/);
    expect(() => readObservabilityEnv({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
  });
});
