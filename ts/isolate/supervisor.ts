/**
 * The watchdog that does not need the main thread: one supervising thread per realm owns every
 * worker main as a *nested* worker (Node worker_threads and browsers' dedicated workers can both
 * start workers of their own). The main thread tells it the run's deadline; the supervisor's
 * event loop is idle, so its timer fires on time even while the game's main thread is blocked,
 * and only a worker's owner can terminate() it. Everything else stays direct: the run's host
 * calls use the SharedArrayBuffer channel, and its messages (started, done, failed, wake) a
 * MessagePort between the worker and the main thread. The supervisor only spawns, times out,
 * kills, and reports exits.
 *
 * If the supervisor cannot start nested workers (a browser without them), it says so and runs
 * are spawned directly by the main thread, as before (the worker's own meter still checks the
 * deadline; the main-thread timer is the backstop). If the supervisor itself dies, its nested
 * workers die with it and every run it owned fails with WorkerError.
 */
import { F_STOPPED } from './protocol';

/** Main → supervisor. */
export type ToSupervisor =
  | { type: 'source'; source: string }
  | { type: 'spawn'; id: number; port: MessagePort; channel: SharedArrayBuffer; deadline: number }
  | { type: 'kill'; id: number };

/** Supervisor → main. */
export type FromSupervisor =
  | { type: 'spawned'; id: number }
  | { type: 'unsupported'; id: number; reason: string }
  | { type: 'timeout'; id: number; at: number }
  | { type: 'error'; id: number; message: string }
  | { type: 'exit'; id: number };

/**
 * The supervisor's code, plain JavaScript (it runs as its own small script, outside the bundle).
 * `env` adapts it to Node or the web: post/listen to the main thread, spawn(source, port, events)
 * a nested worker, kill(handle).
 */
export const SUPERVISOR_CORE = `
function wasgoSupervise(env) {
  var source;
  var runs = new Map();
  var epoch = function () { return performance.timeOrigin + performance.now(); };
  env.listen(function (m) {
    if (!m) return;
    if (m.type === 'source') { source = m.source; return; }
    if (m.type === 'kill') {
      var k = runs.get(m.id);
      if (k) { clearTimeout(k.timer); k.timer = undefined; env.kill(k.handle); }
      return;
    }
    if (m.type !== 'spawn') return;
    var id = m.id;
    var times = new Float64Array(m.channel, 0, 8);
    var r = { handle: undefined, timer: undefined, gone: false };
    runs.set(id, r);
    var exit = function () {
      if (r.gone) return;
      r.gone = true;
      clearTimeout(r.timer);
      runs.delete(id);
      env.post({ type: 'exit', id: id });
    };
    try {
      r.handle = env.spawn(source, m.port, {
        exit: exit,
        error: function (message) { env.post({ type: 'error', id: id, message: String(message) }); },
      });
    } catch (e) {
      runs.delete(id);
      env.post({ type: 'unsupported', id: id, reason: String((e && e.message) || e) });
      return;
    }
    if (!r.handle) {
      runs.delete(id);
      env.post({ type: 'unsupported', id: id, reason: 'this thread cannot start workers' });
      return;
    }
    if (m.deadline > 0) {
      var fire = function () {
        var left = m.deadline - epoch();
        if (left > 0) { r.timer = setTimeout(fire, Math.max(1, Math.ceil(left))); return; }
        r.timer = undefined;
        // The worker stopped the guest itself (result, trap, its own meter): its report is on the way.
        if (times[${F_STOPPED}]) return;
        var at = epoch();
        times[${F_STOPPED}] = at;
        env.post({ type: 'timeout', id: id, at: at }); // before the kill: on the web, kill reports the exit at once
        env.kill(r.handle);
      };
      fire();
    }
    env.post({ type: 'spawned', id: id });
  });
}
`;

/** The worker main's adapters when a supervisor spawned it: it talks to the main thread over a MessagePort. */
export const NODE_PORT_ADAPTER = `
;(() => { const p = require('node:worker_threads').workerData.wasgoPort;
WasGoWorker.serve({ post: (m) => p.postMessage(m), listen: (fn) => p.on('message', fn) }); })();`;
export const WEB_PORT_ADAPTER = `
;self.addEventListener('message', function first(e) {
  if (!e.data || !e.data.wasgoPort) return;
  self.removeEventListener('message', first);
  var p = e.data.wasgoPort;
  WasGoWorker.serve({ post: function (m) { p.postMessage(m); }, listen: function (fn) { p.addEventListener('message', function (ev) { fn(ev.data); }); } });
  p.start();
});`;

export const NODE_SUPERVISOR = SUPERVISOR_CORE + `
;(() => {
  const wt = require('node:worker_threads');
  wasgoSupervise({
    post: (m) => wt.parentPort.postMessage(m),
    listen: (fn) => wt.parentPort.on('message', fn),
    spawn: (source, port, on) => {
      const w = new wt.Worker(source + ${JSON.stringify(NODE_PORT_ADAPTER)}, { eval: true, name: 'wasgo-main', workerData: { wasgoPort: port }, transferList: [port] });
      w.on('error', (e) => on.error(e && e.message || e));
      w.on('exit', () => on.exit());
      return w;
    },
    kill: (w) => void w.terminate(),
  });
})();`;

export const WEB_SUPERVISOR = SUPERVISOR_CORE + `
;(function () {
  var url;
  wasgoSupervise({
    post: function (m) { self.postMessage(m); },
    listen: function (fn) { self.addEventListener('message', function (e) { fn(e.data); }); },
    spawn: function (source, port, on) {
      if (typeof Worker !== 'function') return undefined;
      url = url || URL.createObjectURL(new Blob([source + ${JSON.stringify(WEB_PORT_ADAPTER)}], { type: 'text/javascript' }));
      var w = new Worker(url, { name: 'wasgo-main' });
      w.onerror = function (e) { e.preventDefault(); on.error('the worker failed: ' + e.message); };
      w.postMessage({ wasgoPort: port }, [port]);
      return { w: w, exit: on.exit };
    },
    // Web Workers have no exit event; terminate() is immediate.
    kill: function (h) { h.w.terminate(); h.exit(); },
  });
})();`;
