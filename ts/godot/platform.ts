/**
 * The HostPlatform for Godot: what the level-2 wrappers and level-3 functions of the `wasgo`
 * module (file_write, file_read, http_request, ...) use when WasGo runs inside a Godot game.
 * Files go through the bridge (FileAccess on res:// and user://; the wrappers already confined
 * the path to `<wasgo/safety/file_dir>/<mod>/`), HTTP through fetch (the game's page; the
 * wrappers already checked the allowlist), module sources by res:// / user:// path or URL.
 */
import { browserPlatform } from '../platform/browser';
import type { HostPlatform } from '../platform/platform';
import type { ConfirmWrite } from '../engine/settings';
import type { GodotBridge } from './bridge';

const GODOT_PATH = /^(res|user):\/\//;

export function godotPlatform(bridge: GodotBridge): HostPlatform {
  return {
    name: 'godot-web',
    async readSource(source: string): Promise<Uint8Array> {
      if (!GODOT_PATH.test(source)) return browserPlatform.readSource(source);
      const data = bridge.readFile(source);
      if (!data) throw new Error(`${source} does not exist`);
      return data;
    },
    readFile: (path: string) => bridge.readFile(path),
    writeFile: (path: string, data: Uint8Array) => bridge.writeFile(path, data),
    http: (request) => browserPlatform.http(request),
  };
}

/** How the game answers "may this mod write this file?" (see WriteConfirmer). */
export type AskWrite = (request: number, mod: string, path: string, bytes: number) => 'yes' | 'no' | 'pending';

/**
 * Level-2 write confirmations. The game's answer is synchronous when it supplied a Callable
 * returning bool (WasGoEngine.set_write_confirmation): the write happens inline, in any mode.
 * Without one Godot shows a ConfirmationDialog, whose answer comes later
 * (WasGo.godot.confirmed): the write is then asynchronous and works only for a mod running
 * in worker mode (an inline mod gets HostError, see docs/abi.md).
 */
export class WriteConfirmer {
  private next = 1;
  private readonly waiting = new Map<number, (ok: boolean) => void>();

  constructor(private readonly ask: AskWrite) {}

  readonly confirmWrite: ConfirmWrite = ({ mod, path, bytes }) => {
    const request = this.next++;
    const answer = this.ask(request, mod, path, bytes);
    if (answer !== 'pending') return answer === 'yes';
    return new Promise<boolean>((resolve) => this.waiting.set(request, resolve));
  };

  /** The dialog's answer for a pending request. */
  answer(request: number, ok: boolean): void {
    const resolve = this.waiting.get(request);
    this.waiting.delete(request);
    resolve?.(ok);
  }
}
