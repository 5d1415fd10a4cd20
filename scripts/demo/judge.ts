// What the demo's headless check (npm run demo -- --headless-check) requires of each mod, judged
// from the `WASGO_DEMO {json}` lines the scene (demo/demo.gd) prints. The scene only reports what
// it saw; the expectations live here.

export type DemoEvent = Record<string, unknown> & { event: string };

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The snoop's attempts (demo/demo.gd ATTEMPTS), each refused at level 1. */
export const SNOOP_ATTEMPTS = ['files', 'os', 'root', 'reflect'] as const;

const MARKER = 'WASGO_DEMO ';

/** The event of one engine output line, or null when the line is not a demo marker. */
export function parseMarker(line: string): DemoEvent | null {
  if (!line.startsWith(MARKER)) return null;
  try {
    const v = JSON.parse(line.slice(MARKER.length)) as unknown;
    return v !== null && typeof v === 'object' && typeof (v as { event?: unknown }).event === 'string' ? (v as DemoEvent) : null;
  } catch {
    return null;
  }
}

/** True once the scene has reported everything the judge looks at (or given up: engine not ready). */
export function complete(events: readonly DemoEvent[]): boolean {
  return events.some((e) => e.event === 'done' || (e.event === 'engine' && e.ready === false));
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

/** One check per thing each mod should have done; all must pass. */
export function judge(events: readonly DemoEvent[]): Check[] {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: unknown): void => {
    checks.push({ name, ok, detail: typeof detail === 'string' ? detail : JSON.stringify(detail) ?? 'missing' });
  };
  const find = (pred: (e: DemoEvent) => boolean): DemoEvent | undefined => events.find(pred);

  const engine = find((e) => e.event === 'engine');
  check('engine: WasGo ready at level 1', engine?.ready === true && engine.level === 1, engine ?? 'no engine line');

  const moved = find((e) => e.event === 'moved' && e.mod === 'bouncer');
  check('bouncer: moved its sprite', num(moved?.distance) > 50 && num(moved?.frames) > 10, moved ?? 'no report');
  check('bouncer: made Godot calls under fuel', num(moved?.calls) > 0 && num(moved?.fuel) > 0, moved ?? 'no report');
  check('bouncer: no error', moved?.error === '', moved?.error ?? 'no report');

  const label = find((e) => e.event === 'label' && e.mod === 'scoreboard');
  const texts = Array.isArray(label?.texts) ? (label.texts as unknown[]) : [];
  check('scoreboard: updated its Label', texts.length === 2 && texts[0] !== texts[1] && texts.every((t) => typeof t === 'string' && t.startsWith('Scoreboard mod:')), label ?? 'no report');
  check('scoreboard: no error', label?.error === '' && num(label?.calls) > 0, label ?? 'no report');

  for (const attempt of SNOOP_ATTEMPTS) {
    const r = find((e) => e.event === 'refused' && e.attempt === attempt);
    const message = typeof r?.message === 'string' ? r.message : '';
    check(`snoop: ${attempt} refused at level 1 (PolicyDenied, needs level 3)`,
      r?.code === 'PolicyDenied' && r.level_needed === 3 && message.includes('level 3'), r ?? 'no report');
    // On screen: the message up to "needs level 3" (the rest is in the log).
    const shown = typeof r?.shown === 'string' ? r.shown : '';
    check(`snoop: ${attempt} refusal shown on screen`, r?.on_screen === true && shown.endsWith('needs level 3') && message.startsWith(shown), r ?? 'no report');
  }

  const inline = find((e) => e.event === 'stopped' && e.mod === 'runaway' && e.how === 'inline call');
  check('runaway: inline call stopped by fuel', inline?.code === 'OutOfFuel', inline ?? 'no report');
  const main = find((e) => e.event === 'stopped' && e.mod === 'runaway' && e.how === 'main');
  // In a worker (cross-origin isolated page) the timeout stops main while the game runs on;
  // inline (no isolation) fuel stops it within one call.
  const expected = main?.mode === 'worker' ? 'Timeout' : 'OutOfFuel';
  check(`runaway: main stopped (${main ? `${String(main.mode)}: ${expected}` : 'no report'})`, main !== undefined && main.code === expected && main.status === -1, main ?? 'no report');
  if (main?.mode === 'worker') {
    // Inline, main would block every frame until it ends (0 frames meanwhile). Software
    // rendering in headless Chromium draws only 3-5 frames a second on a busy machine, hence
    // the low bar.
    check('runaway: the game kept animating while main spun', num(main.frames_meanwhile) >= 2 && num(main.bouncer_moved_meanwhile) > 5, main);
  }

  const done = find((e) => e.event === 'done');
  const errors = (done?.errors ?? {}) as Record<string, unknown>;
  check('others unaffected: bouncer and scoreboard never failed', done !== undefined && errors.bouncer === '' && errors.scoreboard === '', done ?? 'no done line');
  check('snoop: its node survived call("queue_free")', done?.snoop_node_intact === true, done ?? 'no done line');
  const shot = find((e) => e.event === 'screenshot');
  // The scene on a dark background: text, panels and the sprite give dozens of colours; a page
  // where WebGL failed is one flat colour.
  check('screenshot: the scene is drawn', num(shot?.colors) >= 16 && num(shot?.dominant) < 0.9, shot ?? 'no screenshot');
  return checks;
}
