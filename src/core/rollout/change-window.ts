/**
 * Weekly change windows (`spec.rollout.waves[].windows`): whether a moment lies in one, and when the next one opens.
 * Time zones are read with `Intl` (no time-zone data of our own); the moment comes from the one clock
 * (`src/coordination/clock.ts`), passed in as milliseconds.
 */
import type { ChangeWindow } from '../config/repository-config.js';

export type WindowVerdict = { readonly open: true } | { readonly open: false; readonly opensAt?: number; readonly reason: string };

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MINUTE = 60_000;
/** A week and a day: every weekly window opens within it. */
const SEARCH_MINUTES = 8 * 24 * 60;

/** Open when there are no windows or `now` lies in one; otherwise when the first of them opens next. */
export function changeWindowAt(windows: readonly ChangeWindow[], now: number): WindowVerdict {
  if (windows.length === 0) return { open: true };
  const zones = new Map<string, Intl.DateTimeFormat>();
  for (const w of windows) {
    const zone = w.timezone ?? 'UTC';
    try {
      zones.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
    } catch {
      return { open: false, reason: `the time zone ${zone} of a change window is not known` };
    }
  }
  const inAny = (at: number) => windows.some((w) => inWindow(w, localTime(zones.get(w.timezone ?? 'UTC')!, at)));
  if (inAny(now)) return { open: true };
  const start = Math.floor(now / MINUTE) * MINUTE;
  for (let i = 1; i <= SEARCH_MINUTES; i++) {
    const at = start + i * MINUTE;
    if (inAny(at)) return { open: false, opensAt: at, reason: 'outside its change window' };
  }
  return { open: false, reason: 'its change windows never open' };
}

interface LocalTime {
  readonly day: number;
  readonly minutes: number;
}

function localTime(format: Intl.DateTimeFormat, at: number): LocalTime {
  const parts = format.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: DAYS.indexOf(part('weekday') as (typeof DAYS)[number]), minutes: Number(part('hour')) * 60 + Number(part('minute')) };
}

function inWindow(w: ChangeWindow, t: LocalTime): boolean {
  const days = expandDays(w.days);
  const from = minutesOf(w.from);
  const to = minutesOf(w.to);
  if (to > from) return days.has(t.day) && t.minutes >= from && t.minutes < to;
  // Overnight (to at or before from): from `from` on a listed day until `to` the next day.
  return (days.has(t.day) && t.minutes >= from) || (days.has((t.day + 6) % 7) && t.minutes < to);
}

/** `['Mon-Fri', 'Sun']` → the day numbers (0 = Sunday); a range may wrap (`Fri-Mon`). */
function expandDays(days: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const d of days) {
    const [first, last = first] = d.split('-') as [string, string?];
    const a = DAYS.indexOf(first as (typeof DAYS)[number]);
    const b = DAYS.indexOf(last as (typeof DAYS)[number]);
    if (a < 0 || b < 0) continue;
    for (let i = a; ; i = (i + 1) % 7) {
      out.add(i);
      if (i === b) break;
    }
  }
  return out;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}
