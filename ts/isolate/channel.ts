/**
 * The two ends of the synchronous call channel (one SharedArrayBuffer per run):
 * - `GuestEnd` in the worker: sends a request and blocks (spin, then Atomics.wait) until the
 *   whole answer is there;
 * - `HostEnd` on the main thread: notices requests (spin after each answer, else
 *   Atomics.waitAsync or a wake-up message), hands complete requests to a handler, answers.
 * Messages larger than the data area travel in chunks; the receiver acknowledges each chunk
 * with K_MORE. See docs/isolation.md for the protocol.
 */
import {
  H_KIND, H_LEN, H_MAIN_WAITING, H_STATE, H_TOTAL, H_WORKER_WAITING, HEADER_BYTES, K_CALL, K_MORE,
  S_CLOSED, S_REQUEST, S_RESPONSE, type WakeMode,
} from './protocol';

const now = (): number => performance.now();
/** Wall-clock ms comparable across threads. */
const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * One serving budget shared by every run's HostEnd in this realm: all worker mains together get
 * at most `sliceMs` of back-to-back serving, then the event loop gets a turn (timers, I/O, the
 * game's frame) before anyone is served again. Without it, N flooding workers held the main
 * thread N × sliceMs per turn.
 */
const turn = { spent: 0, queue: [] as (() => void)[], scheduled: false };

function turnLeft(sliceMs: number): number {
  return sliceMs - turn.spent;
}

/** Runs fn once the event loop has had a turn and the shared budget is fresh. */
function afterTurn(fn: () => void): void {
  turn.queue.push(fn);
  if (turn.scheduled) return;
  turn.scheduled = true;
  yieldThen(nextTurn);
}

function nextTurn(): void {
  turn.scheduled = false;
  turn.spent = 0;
  const list = turn.queue;
  turn.queue = [];
  for (let i = 0; i < list.length; i++) {
    if (turn.spent > 0 && turn.queue.length > 0) {
      // Someone used up this turn's budget and queued again: the rest wait, ahead of it.
      turn.queue = list.slice(i).concat(turn.queue);
      break;
    }
    list[i]!();
  }
  if (turn.queue.length && !turn.scheduled) {
    turn.scheduled = true;
    yieldThen(nextTurn);
  }
}

/** For tests and docs: the shared serving budget's state. */
export function servingTurn(): { spent: number; waiting: number } {
  return { spent: turn.spent, waiting: turn.queue.length };
}

type WaitAsync = (a: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;

/** Whether this realm has Atomics.waitAsync (Node ≥ 16, Chromium; not every browser). */
export const hasWaitAsync = typeof waitAsync === 'function';

/** Worker side: strictly synchronous. */
export class GuestEnd {
  private readonly h: Int32Array;
  private readonly data: Uint8Array;
  private readonly cap: number;

  /**
   * @param deadline wall-clock ms (performance.timeOrigin + now()) past which a wait for the main
   *   thread is abandoned with `timedOut()` (0 = never): the deadline holds even when the main
   *   thread is too busy to answer.
   */
  constructor(
    buffer: SharedArrayBuffer, private readonly spinUs: number, private readonly wakeMain: () => void,
    private readonly deadline = 0, private readonly timedOut: () => Error = () => new Error('timed out'),
  ) {
    this.h = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.cap = this.data.length;
  }

  /** Sends one message of `kind` and returns the main thread's whole answer. */
  transact(kind: number, message: Uint8Array): Uint8Array {
    const h = this.h;
    let at = 0;
    for (;;) {
      const n = Math.min(this.cap, message.length - at);
      this.data.set(message.subarray(at, at + n));
      h[H_KIND] = kind;
      h[H_LEN] = n;
      h[H_TOTAL] = message.length;
      at += n;
      this.signal();
      this.await();
      if (at >= message.length) break;
      // The main thread acknowledged this chunk (K_MORE); send the next one.
    }
    const total = h[H_TOTAL]!;
    const first = h[H_LEN]!;
    if (first === total) return this.data.slice(0, first);
    const answer = new Uint8Array(total);
    answer.set(this.data.subarray(0, first));
    let got = first;
    while (got < total) {
      h[H_KIND] = K_MORE;
      h[H_LEN] = 0;
      h[H_TOTAL] = 0;
      this.signal();
      this.await();
      const n = h[H_LEN]!;
      answer.set(this.data.subarray(0, n), got);
      got += n;
    }
    return answer;
  }

  private signal(): void {
    Atomics.store(this.h, H_STATE, S_REQUEST);
    if (Atomics.load(this.h, H_MAIN_WAITING) === 1) {
      Atomics.notify(this.h, H_STATE); // settles the main thread's Atomics.waitAsync
      this.wakeMain(); // or posts a wake-up message where there is no waitAsync
    }
  }

  /** Spins for a few µs (answers to quick host calls arrive in about 1 µs), then sleeps. */
  private await(): void {
    const h = this.h;
    let s = Atomics.load(h, H_STATE);
    if (s === S_REQUEST) {
      const until = now() + this.spinUs / 1000;
      for (let i = 1; (s = Atomics.load(h, H_STATE)) === S_REQUEST; i++) {
        if ((i & 63) === 0 && now() > until) break;
      }
      if (s === S_REQUEST) {
        Atomics.store(h, H_WORKER_WAITING, 1);
        while ((s = Atomics.load(h, H_STATE)) === S_REQUEST) {
          if (this.deadline <= 0) {
            Atomics.wait(h, H_STATE, S_REQUEST);
            continue;
          }
          const left = this.deadline - epochNow();
          if (left <= 0) {
            // Give up on the main thread: mark the channel closed unless the answer just came.
            if (Atomics.compareExchange(h, H_STATE, S_REQUEST, S_CLOSED) === S_REQUEST) {
              Atomics.store(h, H_WORKER_WAITING, 0);
              throw this.timedOut();
            }
            continue;
          }
          Atomics.wait(h, H_STATE, S_REQUEST, left);
        }
        Atomics.store(h, H_WORKER_WAITING, 0);
      }
    }
    // Closed: the main thread is about to terminate this worker; never run the guest further.
    while (s === S_CLOSED) {
      Atomics.wait(h, H_STATE, S_CLOSED);
      s = Atomics.load(h, H_STATE);
    }
  }
}

/** What the main thread does with a complete request: an answer now, later, or none (the run ends). */
export type RequestHandler = (kind: number, message: Uint8Array) => Uint8Array | Promise<Uint8Array | undefined> | undefined;

export interface HostEndOptions {
  /** How a waiting main thread is woken: Atomics.waitAsync or a message from the worker. */
  wake: WakeMode;
  /** How long the main thread keeps spinning for the next request after answering one, µs. */
  spinUs: number;
  /** Longest stretch of back-to-back serving before yielding to the event loop, ms. */
  sliceMs: number;
}

/** Main-thread side: never blocks for longer than `sliceMs`. */
export class HostEnd {
  private readonly h: Int32Array;
  private readonly data: Uint8Array;
  private readonly cap: number;
  private closed = false;
  private busy = false;
  private waiting = false;
  private incoming: Uint8Array | undefined;
  private incomingAt = 0;
  private outgoing: Uint8Array | undefined;
  private outgoingAt = 0;

  constructor(buffer: SharedArrayBuffer, private readonly handler: RequestHandler, private readonly o: HostEndOptions) {
    this.h = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.cap = this.data.length;
  }

  /** Starts listening (the worker is not running yet, so no spinning). */
  start(): void {
    this.arm();
  }

  /** A wake-up message arrived from the worker (wake mode 'message'). */
  wake(): void {
    if (!this.waiting || this.closed) return;
    this.woken();
  }

  /** Stops serving for good; a worker still waiting stays blocked until it is terminated. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.h, H_STATE, S_CLOSED);
    Atomics.notify(this.h, H_STATE); // also settles our own pending waitAsync
  }

  private readonly woken = (): void => {
    this.waiting = false;
    Atomics.store(this.h, H_MAIN_WAITING, 0);
    this.poll();
  };

  private poll(): void {
    if (this.closed || this.busy) return;
    const left = turnLeft(this.o.sliceMs);
    if (left <= 0) {
      afterTurn(() => this.poll());
      return;
    }
    const start = now();
    const sliceEnd = start + left;
    try {
      for (;;) {
        if (Atomics.load(this.h, H_STATE) === S_REQUEST) {
          this.step();
          if (this.closed || this.busy) return;
          if (now() > sliceEnd) {
            afterTurn(() => this.poll());
            return;
          }
          continue;
        }
        if (!this.spin(sliceEnd)) break;
      }
    } finally {
      turn.spent += now() - start;
    }
    this.arm();
  }

  /** Spins up to spinUs (never past the turn's end) for the next request; true when one arrived. */
  private spin(sliceEnd: number): boolean {
    if (this.o.spinUs <= 0) return false;
    const until = Math.min(sliceEnd, now() + this.o.spinUs / 1000);
    for (let i = 1; ; i++) {
      if (Atomics.load(this.h, H_STATE) === S_REQUEST) return true;
      if ((i & 63) === 0 && now() > until) return false;
    }
  }

  private arm(): void {
    if (this.closed || this.busy || this.waiting) return;
    this.waiting = true;
    Atomics.store(this.h, H_MAIN_WAITING, 1);
    const seen = Atomics.load(this.h, H_STATE);
    if (seen === S_REQUEST) {
      this.woken();
      return;
    }
    if (this.o.wake === 'waitAsync' && waitAsync) {
      const r = waitAsync(this.h, H_STATE, seen);
      if (r.async) void (r.value as Promise<string>).then(this.woken);
      else this.woken();
    }
    // 'message': the worker posts { type: 'wake' } and the run calls wake().
  }

  /** Handles one chunk from the worker. */
  private step(): void {
    const h = this.h;
    const kind = h[H_KIND]!;
    if (kind === K_MORE) {
      this.sendChunk();
      return;
    }
    const n = h[H_LEN]!;
    const total = h[H_TOTAL]!;
    let message: Uint8Array;
    if (!this.incoming && n === total) {
      message = this.data.slice(0, n);
    } else {
      if (!this.incoming) {
        this.incoming = new Uint8Array(total);
        this.incomingAt = 0;
      }
      this.incoming.set(this.data.subarray(0, n), this.incomingAt);
      this.incomingAt += n;
      if (this.incomingAt < this.incoming.length) {
        h[H_KIND] = K_MORE;
        h[H_LEN] = 0;
        h[H_TOTAL] = 0;
        this.signal();
        return;
      }
      message = this.incoming;
      this.incoming = undefined;
    }
    const answer = this.handler(kind, message);
    if (answer instanceof Promise) {
      this.busy = true;
      answer.then((a) => {
        this.busy = false;
        if (a && !this.closed) {
          this.reply(a);
          this.poll();
        }
      }, () => undefined);
    } else if (answer && !this.closed) {
      this.reply(answer);
    }
  }

  private reply(answer: Uint8Array): void {
    this.outgoing = answer;
    this.outgoingAt = 0;
    this.sendChunk();
  }

  private sendChunk(): void {
    const out = this.outgoing;
    if (!out) return;
    const n = Math.min(this.cap, out.length - this.outgoingAt);
    this.data.set(out.subarray(this.outgoingAt, this.outgoingAt + n));
    this.h[H_KIND] = K_CALL;
    this.h[H_LEN] = n;
    this.h[H_TOTAL] = out.length;
    this.outgoingAt += n;
    if (this.outgoingAt >= out.length) this.outgoing = undefined;
    this.signal();
  }

  private signal(): void {
    Atomics.store(this.h, H_STATE, S_RESPONSE);
    if (Atomics.load(this.h, H_WORKER_WAITING) === 1) Atomics.notify(this.h, H_STATE);
  }
}

/** Runs fn after other tasks (timers, I/O, a kill) had a chance. */
function yieldThen(fn: () => void): void {
  const g = globalThis as unknown as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') {
    g.setImmediate(fn);
    return;
  }
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    ch.port1.close();
    fn();
  };
  ch.port2.postMessage(null);
}
