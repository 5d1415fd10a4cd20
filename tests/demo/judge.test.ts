// The demo's headless check judges the scene's WASGO_DEMO lines (scripts/demo/judge.ts): a run
// where every mod did its part passes, and each way a mod can fall short fails its own check.
import { describe, expect, it } from 'vitest';
import { complete, judge, parseMarker, SNOOP_ATTEMPTS, type DemoEvent } from '../../scripts/demo/judge';

const refusal = (attempt: string): DemoEvent => ({
  event: 'refused', mod: 'snoop', attempt, code: 'PolicyDenied', level_needed: 3,
  message: `PolicyDenied: ${attempt} is not allowed at safety level 1; it needs level 3 (module snoop, export ${attempt}, instance 3)`,
  shown: `PolicyDenied: ${attempt} is not allowed at safety level 1; it needs level 3`, on_screen: true,
});

function goodRun(): DemoEvent[] {
  return [
    { event: 'engine', ready: true, level: 1, version: '0.1.0' },
    { event: 'label', mod: 'scoreboard', texts: ['Scoreboard mod: 0.2 s, 2 frames', 'Scoreboard mod: 0.3 s, 3 frames'], calls: 3, error: '' },
    ...SNOOP_ATTEMPTS.map(refusal),
    { event: 'stopped', mod: 'runaway', how: 'inline call', code: 'OutOfFuel', ms: 94 },
    { event: 'stopped', mod: 'runaway', how: 'main', mode: 'worker', status: -1, code: 'Timeout', ms: 2090, frames_meanwhile: 9, bouncer_moved_meanwhile: 217 },
    { event: 'moved', mod: 'bouncer', frames: 29, distance: 685, calls: 87, fuel: 177813138, error: '' },
    { event: 'done', errors: { bouncer: '', scoreboard: '' }, snoop_node_intact: true },
    { event: 'screenshot', width: 1152, height: 648, colors: 180, dominant: 0.55 },
  ];
}

/** The good run with one event changed (or removed when `change` returns null). */
function withChange(pick: (e: DemoEvent) => boolean, change: (e: DemoEvent) => DemoEvent | null): DemoEvent[] {
  const events = goodRun();
  const i = events.findIndex(pick);
  expect(i).toBeGreaterThanOrEqual(0);
  const next = change({ ...events[i]! });
  if (next === null) events.splice(i, 1);
  else events[i] = next;
  return events;
}

const failed = (events: DemoEvent[]): string[] => judge(events).filter((c) => !c.ok).map((c) => c.name);

describe('demo judge', () => {
  it('passes a run where every mod did its part', () => {
    const checks = judge(goodRun());
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(19);
  });

  it('fails when a forbidden attempt was not refused, or refused for another reason', () => {
    for (const attempt of SNOOP_ATTEMPTS) {
      expect(failed(withChange((e) => e.attempt === attempt, () => null))).toContain(`snoop: ${attempt} refused at level 1 (PolicyDenied, needs level 3)`);
      expect(failed(withChange((e) => e.attempt === attempt, (e) => ({ ...e, code: '', level_needed: 0, message: '' })))).toContain(`snoop: ${attempt} refused at level 1 (PolicyDenied, needs level 3)`);
    }
    expect(failed(withChange((e) => e.attempt === 'os', (e) => ({ ...e, code: 'OutOfFuel' })))).toEqual(['snoop: os refused at level 1 (PolicyDenied, needs level 3)']);
    expect(failed(withChange((e) => e.attempt === 'root', (e) => ({ ...e, level_needed: 2 })))).toEqual(['snoop: root refused at level 1 (PolicyDenied, needs level 3)']);
  });

  it('fails when a refusal is not on screen', () => {
    expect(failed(withChange((e) => e.attempt === 'files', (e) => ({ ...e, on_screen: false })))).toEqual(['snoop: files refusal shown on screen']);
    expect(failed(withChange((e) => e.attempt === 'files', (e) => ({ ...e, shown: 'something else' })))).toEqual(['snoop: files refusal shown on screen']);
  });

  it('fails when the runaway was not stopped, or stopped the game meanwhile', () => {
    expect(failed(withChange((e) => e.how === 'inline call', (e) => ({ ...e, code: '' })))).toEqual(['runaway: inline call stopped by fuel']);
    expect(failed(withChange((e) => e.how === 'main', () => null))).toContain('runaway: main stopped (no report)');
    expect(failed(withChange((e) => e.how === 'main', (e) => ({ ...e, code: 'Killed' })))).toEqual(['runaway: main stopped (worker: Timeout)']);
    expect(failed(withChange((e) => e.how === 'main', (e) => ({ ...e, frames_meanwhile: 0, bouncer_moved_meanwhile: 0 })))).toEqual(['runaway: the game kept animating while main spun']);
    // Inline (no cross-origin isolation): fuel is what stops main.
    expect(failed(withChange((e) => e.how === 'main', (e) => ({ ...e, mode: 'inline', code: 'OutOfFuel', frames_meanwhile: 0 })))).toEqual([]);
    expect(failed(withChange((e) => e.how === 'main', (e) => ({ ...e, mode: 'inline', code: 'Timeout' })))).toEqual(['runaway: main stopped (inline: OutOfFuel)']);
  });

  it('fails when the well-behaved mods did not do their part or failed', () => {
    expect(failed(withChange((e) => e.event === 'moved', (e) => ({ ...e, distance: 0 })))).toEqual(['bouncer: moved its sprite']);
    expect(failed(withChange((e) => e.event === 'moved', (e) => ({ ...e, error: 'Timeout: ...' })))).toEqual(['bouncer: no error']);
    expect(failed(withChange((e) => e.event === 'label', (e) => ({ ...e, texts: ['Scoreboard mod: 1', 'Scoreboard mod: 1'] })))).toEqual(['scoreboard: updated its Label']);
    expect(failed(withChange((e) => e.event === 'done', (e) => ({ ...e, errors: { bouncer: '', scoreboard: 'PolicyDenied: ...' } })))).toEqual(['others unaffected: bouncer and scoreboard never failed']);
    expect(failed(withChange((e) => e.event === 'done', (e) => ({ ...e, snoop_node_intact: false })))).toEqual(['snoop: its node survived call("queue_free")']);
  });

  it('fails a blank screenshot and an engine that did not start', () => {
    expect(failed(withChange((e) => e.event === 'screenshot', (e) => ({ ...e, colors: 1, dominant: 1 })))).toEqual(['screenshot: the scene is drawn']);
    expect(failed([{ event: 'engine', ready: false, error: 'WasGo runs in web exports for now' }]).length).toBeGreaterThan(15);
  });

  it('reads markers and knows when the scene is done', () => {
    expect(parseMarker('WASGO_DEMO {"event":"engine","ready":true}')).toEqual({ event: 'engine', ready: true });
    expect(parseMarker('WASGO_DEMO not json')).toBeNull();
    expect(parseMarker('WASGO_DEMO {"no":"event"}')).toBeNull();
    expect(parseMarker('[bouncer] WASGO_DEMO {"event":"done"}')).toBeNull();
    expect(complete(goodRun().slice(0, 5))).toBe(false);
    expect(complete(goodRun())).toBe(true);
    expect(complete([{ event: 'engine', ready: false }])).toBe(true);
  });
});
