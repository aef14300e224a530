import { describe, expect, it } from 'vitest';
import { changeWindowAt } from '../../../src/core/rollout/change-window.js';

const at = (iso: string) => Date.parse(iso);
const OFFICE = { days: ['Mon-Fri'], from: '08:00', to: '17:00', timezone: 'Europe/Berlin' };

describe('changeWindowAt tells whether a wave may start and when it may', () => {
  const cases: { name: string; windows: (typeof OFFICE | { days: string[]; from: string; to: string; timezone?: string })[]; now: string; open: boolean; opensAt?: string }[] = [
    { name: 'no windows means always open', windows: [], now: '2026-12-08T03:00:00Z', open: true },
    { name: 'a Tuesday 10:00 in Berlin is inside office hours', windows: [OFFICE], now: '2026-12-08T09:00:00Z', open: true },
    { name: 'a Tuesday 05:00 in Berlin waits until 08:00 Berlin time', windows: [OFFICE], now: '2026-12-08T04:00:00Z', open: false, opensAt: '2026-12-08T07:00:00Z' },
    { name: 'the end is exclusive', windows: [OFFICE], now: '2026-12-08T16:00:00Z', open: false, opensAt: '2026-12-09T07:00:00Z' },
    { name: 'a Saturday waits until Monday morning', windows: [OFFICE], now: '2026-12-12T12:00:00Z', open: false, opensAt: '2026-12-14T07:00:00Z' },
    { name: 'summer time shifts the opening by the zone offset', windows: [OFFICE], now: '2026-07-07T04:00:00Z', open: false, opensAt: '2026-07-07T06:00:00Z' },
    { name: 'an overnight window is open after midnight of the next day', windows: [{ days: ['Sat'], from: '22:00', to: '04:00' }], now: '2026-12-13T02:00:00Z', open: true },
    { name: 'the time zone defaults to UTC', windows: [{ days: ['Tue'], from: '05:00', to: '06:00' }], now: '2026-12-08T04:30:00Z', open: false, opensAt: '2026-12-08T05:00:00Z' },
    { name: 'any of several windows opens the wave', windows: [OFFICE, { days: ['Sun'], from: '00:00', to: '24:00' }], now: '2026-12-13T12:00:00Z', open: true },
    { name: 'a day range may wrap around the week', windows: [{ days: ['Sat-Mon'], from: '00:00', to: '24:00' }], now: '2026-12-13T12:00:00Z', open: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = changeWindowAt(c.windows, at(c.now));
      expect(verdict.open).toBe(c.open);
      if (c.opensAt && !verdict.open) expect(new Date(verdict.opensAt ?? 0).toISOString()).toBe(new Date(at(c.opensAt)).toISOString());
    });
  }

  it('never opens a window whose time zone is unknown, and says so', () => {
    expect(changeWindowAt([{ ...OFFICE, timezone: 'Mars/Olympus' }], at('2026-12-08T09:00:00Z'))).toEqual({ open: false, reason: 'the time zone Mars/Olympus of a change window is not known' });
  });
});
