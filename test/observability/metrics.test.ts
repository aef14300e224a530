import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, ValidationError } from '../../src/core/errors.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { observabilityRoutes } from '../../src/observability/observability-routes.js';
import { parsePrometheusText, startServer, stopServer } from './http-helpers.js';

let server: Server | undefined;
afterEach(async () => {
  if (server) await stopServer(server);
  server = undefined;
});

async function serve(metrics: Metrics): Promise<() => Promise<Map<string, number>>> {
  const started = await startServer(observabilityRoutes({ metrics }));
  server = started.server;
  return async () => {
    const response = await fetch(`${started.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  };
}

describe('metrics', () => {
  it('counts webhook deliveries by event and outcome', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await serve(metrics);
    expect((await scrape()).get('kkp_gitops_webhook_deliveries_total{event="pull_request",outcome="handled"}')).toBeUndefined();
    metrics.webhookDeliveries.inc('pull_request', 'handled');
    metrics.webhookDeliveries.inc('pull_request', 'handled');
    metrics.webhookDeliveries.inc('push', 'rejected');
    const after = await scrape();
    expect(after.get('kkp_gitops_webhook_deliveries_total{event="pull_request",outcome="handled"}')).toBe(2);
    expect(after.get('kkp_gitops_webhook_deliveries_total{event="push",outcome="rejected"}')).toBe(1);
  });

  it('records plan and apply durations per target in histograms', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await serve(metrics);
    metrics.planDuration.observe('master', 0.3);
    metrics.planDuration.observe('seed-eu', 7);
    metrics.applyDuration.observe('seed-eu', 42);
    const stop = metrics.applyDuration.startTimer('master');
    const elapsed = stop();
    const samples = await scrape();
    expect(samples.get('kkp_gitops_plan_duration_seconds_count{target="master"}')).toBe(1);
    expect(samples.get('kkp_gitops_plan_duration_seconds_sum{target="seed-eu"}')).toBe(7);
    expect(samples.get('kkp_gitops_plan_duration_seconds_bucket{le="0.5",target="master"}')).toBe(1);
    expect(samples.get('kkp_gitops_plan_duration_seconds_bucket{le="5",target="seed-eu"}')).toBe(0);
    expect(samples.get('kkp_gitops_plan_duration_seconds_bucket{le="10",target="seed-eu"}')).toBe(1);
    expect(samples.get('kkp_gitops_apply_duration_seconds_bucket{le="60",target="seed-eu"}')).toBe(1);
    expect(samples.get('kkp_gitops_apply_duration_seconds_count{target="master"}')).toBe(1);
    expect(samples.get('kkp_gitops_apply_duration_seconds_sum{target="master"}')).toBe(elapsed);
  });

  it('counts changes by action and target, skipping zero counts', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await serve(metrics);
    metrics.changes.add('seed-us', { create: 3, update: 1, delete: 0, unchanged: 40 });
    metrics.changes.inc('seed-us', 'create');
    metrics.changes.inc('master', 'skip', 2);
    const samples = await scrape();
    expect(samples.get('kkp_gitops_changes_total{action="create",target="seed-us"}')).toBe(4);
    expect(samples.get('kkp_gitops_changes_total{action="update",target="seed-us"}')).toBe(1);
    expect(samples.get('kkp_gitops_changes_total{action="unchanged",target="seed-us"}')).toBe(40);
    expect(samples.has('kkp_gitops_changes_total{action="delete",target="seed-us"}')).toBe(false);
    expect(samples.get('kkp_gitops_changes_total{action="skip",target="master"}')).toBe(2);
  });

  it('counts errors under their class code, and anything else as unknown, starting every known kind at zero', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await serve(metrics);
    const before = await scrape();
    for (const kind of ['configuration', 'validation', 'cluster-unreachable', 'apply-failed', 'unknown']) {
      expect(before.get(`kkp_gitops_errors_total{kind="${kind}"}`), kind).toBe(0);
    }
    expect(metrics.errors.inc(new ValidationError('bad'))).toBe('validation');
    expect(metrics.errors.inc(new ConfigurationError('bad'))).toBe('configuration');
    expect(metrics.errors.inc(new ValidationError('worse'))).toBe('validation');
    expect(metrics.errors.inc(new TypeError('oops'))).toBe('unknown');
    const after = await scrape();
    expect(after.get('kkp_gitops_errors_total{kind="validation"}')).toBe(2);
    expect(after.get('kkp_gitops_errors_total{kind="configuration"}')).toBe(1);
    expect(after.get('kkp_gitops_errors_total{kind="unknown"}')).toBe(1);
    expect(after.get('kkp_gitops_errors_total{kind="apply-failed"}')).toBe(0);
  });

  it('reports the queue depth as it is set', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await serve(metrics);
    metrics.queueDepth.set(5);
    expect((await scrape()).get('kkp_gitops_queue_depth')).toBe(5);
    metrics.queueDepth.set(0);
    expect((await scrape()).get('kkp_gitops_queue_depth')).toBe(0);
  });

  it('shows only the current holder of each lock', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await serve(metrics);
    metrics.lockHolder.set('acme-kkp-config', 'kkp-gitops-7f9c-a');
    metrics.lockHolder.set('acme-other', 'kkp-gitops-7f9c-a');
    let samples = await scrape();
    expect(samples.get('kkp_gitops_lock_holder{holder="kkp-gitops-7f9c-a",lock="acme-kkp-config"}')).toBe(1);
    metrics.lockHolder.set('acme-kkp-config', 'kkp-gitops-7f9c-b');
    metrics.lockHolder.set('acme-other', undefined);
    samples = await scrape();
    expect(samples.has('kkp_gitops_lock_holder{holder="kkp-gitops-7f9c-a",lock="acme-kkp-config"}')).toBe(false);
    expect(samples.get('kkp_gitops_lock_holder{holder="kkp-gitops-7f9c-b",lock="acme-kkp-config"}')).toBe(1);
    expect(samples.has('kkp_gitops_lock_holder{holder="kkp-gitops-7f9c-a",lock="acme-other"}')).toBe(false);
  });

  it('computes the last applied commit age at scrape time from the recorded time', async () => {
    let now = Date.parse('2025-06-01T12:00:00Z');
    const metrics = createMetrics({ processMetrics: false, now: () => now });
    const scrape = await serve(metrics);
    expect([...(await scrape()).keys()].some((key) => key.startsWith('kkp_gitops_last_applied_commit_age_seconds'))).toBe(false);
    metrics.lastAppliedCommit.record('acme/kkp-config', new Date('2025-06-01T11:59:30Z'));
    expect((await scrape()).get('kkp_gitops_last_applied_commit_age_seconds{repository="acme/kkp-config"}')).toBe(30);
    now += 90_000;
    expect((await scrape()).get('kkp_gitops_last_applied_commit_age_seconds{repository="acme/kkp-config"}')).toBe(120);
    metrics.lastAppliedCommit.record('acme/kkp-config', new Date(now));
    expect((await scrape()).get('kkp_gitops_last_applied_commit_age_seconds{repository="acme/kkp-config"}')).toBe(0);
  });

  it('tracks the GitHub rate limit from response headers, ignoring responses without them', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const scrape = await serve(metrics);
    metrics.githubRateLimit.observeHeaders({ 'x-ratelimit-remaining': '4990', 'x-ratelimit-resource': 'core' });
    metrics.githubRateLimit.observeHeaders({ 'x-ratelimit-remaining': '4987' });
    metrics.githubRateLimit.observeHeaders({ 'x-ratelimit-remaining': 1999, 'x-ratelimit-resource': 'graphql' });
    metrics.githubRateLimit.observeHeaders({ etag: 'W/"x"' });
    const samples = await scrape();
    expect(samples.get('kkp_gitops_github_rate_limit_remaining{resource="core"}')).toBe(4987);
    expect(samples.get('kkp_gitops_github_rate_limit_remaining{resource="graphql"}')).toBe(1999);
  });

  it('keeps registries apart, so two metric sets never share values', () => {
    const first = createMetrics({ processMetrics: false });
    const second = createMetrics({ processMetrics: false });
    first.queueDepth.set(3);
    expect(second.registry).not.toBe(first.registry);
    return second.registry.getSingleMetricAsString('kkp_gitops_queue_depth').then((text) => expect(parsePrometheusText(text).get('kkp_gitops_queue_depth')).toBe(0));
  });

  it('includes Node.js process metrics unless turned off', async () => {
    const withProcess = parsePrometheusText(await createMetrics().registry.metrics());
    const without = parsePrometheusText(await createMetrics({ processMetrics: false }).registry.metrics());
    expect(withProcess.has('kkp_gitops_process_resident_memory_bytes') || withProcess.has('kkp_gitops_nodejs_heap_size_used_bytes')).toBe(true);
    expect([...without.keys()].some((key) => key.startsWith('kkp_gitops_nodejs_'))).toBe(false);
  });

  it('answers other methods with 405 and other paths not at all', async () => {
    const started = await startServer(observabilityRoutes({ metrics: createMetrics({ processMetrics: false }) }));
    server = started.server;
    expect((await fetch(`${started.url}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${started.url}/api/github/webhooks`)).status).toBe(404);
    expect((await fetch(`${started.url}/metrics?x=1`)).status).toBe(200);
  });
});
