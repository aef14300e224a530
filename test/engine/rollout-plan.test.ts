import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/coordination/clock.js';
import type { ApplyResult } from '../../src/core/apply/apply-result.js';
import { join } from 'node:path';
import { startHarness, type Harness } from './support/sandbox-harness.js';
import { faultInGit } from '../support/health-fault-in-git.js';

let h: Harness;

beforeEach(async () => {
  // The sandbox's KKP controllers write the status KKP would, after a short delay.
  h = await startHarness({ kkpControllers: { delayMs: 200 } });
});
afterEach(async () => {
  await h.close();
});

const holdDown = (component: string) => faultInGit(join(h.dir, 'projects', 'shop', 'clusters', 'shop-eu.yaml'), `down=${component}`);

function setRollout(yaml: string): void {
  h.edit('kkp-gitops.yaml', (text) => `${text.trimEnd()}\n  rollout:\n${yaml.replace(/^/gm, '    ')}\n`);
}

const writesTo = (target: string) => h.writes().filter((w) => w.startsWith(`${target} `));
const statusOf = (result: ApplyResult | undefined, target: string) => result?.targets.find((t) => t.target === target)?.status;

describe('rolloutPlan applies the master first, then the seeds wave by wave, waiting for KKP to report health', () => {
  it('reports every target healthy once KKP has the clusters Running', async () => {
    const outcome = await h.apply({ wait: true, clock: systemClock, pollMs: 20 });
    const rollout = outcome.result?.rollout;
    expect(rollout?.waves.map((w) => [w.targets, w.status])).toEqual([
      [['master'], 'healthy'],
      [['seed-eu', 'seed-us'], 'healthy'],
    ]);
    expect(rollout?.health.map((t) => [t.target, t.state, t.healthy === t.total])).toEqual([
      ['master', 'healthy', true],
      ['seed-eu', 'healthy', true],
      ['seed-us', 'healthy', true],
    ]);
    expect(rollout?.stopped).toBeUndefined();
    expect(h.find('seed-eu', 'Cluster', 'shop-eu')?.['status']).toMatchObject({ phase: 'Running' });
  });

  it('stops at an unhealthy wave within its timeout, naming the component, and leaves the next wave untouched', async () => {
    setRollout('timeoutSeconds: 2\nwaves:\n  - [seed-eu]\n  - [seed-us]');
    holdDown('apiserver');
    const started = Date.now();
    const outcome = await h.apply({ wait: true, clock: systemClock, pollMs: 20 });
    expect(Date.now() - started).toBeLessThan(30_000);
    const rollout = outcome.result?.rollout;
    expect(rollout?.waves.map((w) => [w.number, w.targets, w.status])).toEqual([
      [1, ['master'], 'healthy'],
      [2, ['seed-eu'], 'unhealthy'],
      [3, ['seed-us'], 'not-run'],
    ]);
    const eu = rollout?.health.find((t) => t.target === 'seed-eu');
    expect(eu).toMatchObject({ state: 'unhealthy', timedOut: true });
    expect(eu?.waiting.map((o) => [o.id.name, o.health.components])).toEqual([['shop-eu', ['apiserver']]]);
    expect(rollout?.stopped).toMatchObject({ wave: 2, why: 'unhealthy', reason: 'seed-eu is not healthy', untouched: ['seed-us'] });
    expect(writesTo('seed-us')).toEqual([]);
    const us = outcome.result?.targets.find((t) => t.target === 'seed-us');
    expect(us?.stages.flatMap((s) => s.changes).map((c) => [c.action, c.reason])).toEqual([['skip', 'not run: the rollout stopped at wave 2 (seed-eu is not healthy)']]);
  });

  it('goes on to the next wave after an unhealthy one when haltOnFailure is false', async () => {
    setRollout('timeoutSeconds: 1\nhaltOnFailure: false\nwaves:\n  - [seed-eu]\n  - [seed-us]');
    holdDown('etcd');
    const outcome = await h.apply({ wait: true, clock: systemClock, pollMs: 20 });
    expect(outcome.result?.rollout?.waves.map((w) => w.status)).toEqual(['healthy', 'unhealthy', 'healthy']);
    expect(outcome.result?.rollout?.stopped).toBeUndefined();
    expect(writesTo('seed-us').length).toBeGreaterThan(0);
  });

  it('does not start a wave outside its change window and says when it opens', async () => {
    // A window on one weekday, a few days away from today in UTC: closed now, whatever the day.
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7];
    setRollout(`waves:\n  - seeds: [seed-us]\n    windows:\n      - {days: [${day}], from: "10:00", to: "11:00", timezone: UTC}`);
    const outcome = await h.apply({ wait: true, clock: systemClock, pollMs: 20 });
    const stopped = outcome.result?.rollout?.stopped;
    expect(stopped).toMatchObject({ wave: 2, why: 'window', reason: 'outside its change window', untouched: ['seed-us', 'seed-eu'] });
    expect(new Date(stopped?.opensAt ?? 0).getUTCHours()).toBe(10);
    expect(writesTo('seed-us')).toEqual([]);
    expect(writesTo('seed-eu')).toEqual([]);
    expect(statusOf(outcome.result, 'master')).toBe('applied');
  });

  it('without the wait and without waves applies every target in one pass, as before', async () => {
    const outcome = await h.apply();
    expect(outcome.result?.rollout).toBeUndefined();
    expect(outcome.result?.targets.map((t) => t.status)).toEqual(['applied', 'applied', 'applied']);
  });
});
