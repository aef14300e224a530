import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scopedLogger } from '../../src/observability/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('writes one JSON object per line with an ISO time and the level as a word', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).info('started');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'info', name: 'kkp-gitops', msg: 'started' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('carries delivery, repository, pull request and target on every line, null until known', () => {
    const { lines, destination } = capture();
    const delivery = scopedLogger(createLogger({ destination }), { deliveryId: 'd-1', repository: 'acme/kkp-config' });
    delivery.log.info('received');
    const target = delivery.with({ pullRequest: 7 }).with({ target: 'seed-eu' });
    target.log.warn('slow');
    target.log.error({ object: 'seed-eu: Cluster/prod-1' }, 'apply failed');
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed.map(({ deliveryId, repository, pullRequest, target: t }) => ({ deliveryId, repository, pullRequest, target: t }))).toEqual([
      { deliveryId: 'd-1', repository: 'acme/kkp-config', pullRequest: null, target: null },
      { deliveryId: 'd-1', repository: 'acme/kkp-config', pullRequest: 7, target: 'seed-eu' },
      { deliveryId: 'd-1', repository: 'acme/kkp-config', pullRequest: 7, target: 'seed-eu' },
    ]);
    expect(parsed[2].object).toBe('seed-eu: Cluster/prod-1');
  });

  it('never writes a context key twice when a scope is narrowed', () => {
    const { lines, destination } = capture();
    scopedLogger(createLogger({ destination }), { target: 'master' }).with({ target: 'seed-us' }).log.info('x');
    expect(lines[0]!.match(/"target"/g)).toHaveLength(1);
    expect(JSON.parse(lines[0]!).target).toBe('seed-us');
  });

  it('redacts keys, tokens and kubeconfigs wherever they are logged', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).info(
      { privateKey: '-----BEGIN RSA PRIVATE KEY-----', request: { headers: { authorization: 'token ghs_abc' } }, seed: { kubeconfig: 'apiVersion: v1' } },
      'request',
    );
    expect(lines[0]).not.toMatch(/BEGIN RSA|ghs_abc|apiVersion: v1/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ privateKey: '[redacted]', request: { headers: { authorization: '[redacted]' } }, seed: { kubeconfig: '[redacted]' } });
  });

  it('writes nothing below the configured level', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, level: 'warn' });
    log.info('hidden');
    log.warn('shown');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['shown']);
  });
});
