/**
 * `wasgo run --api file.json`: the game's declarative API (the JSON twin of its WasGoApi
 * resource, docs/godot.md) outside Godot. Each function becomes a stub with the same name,
 * level and kinds that logs its call to stderr and answers zero (nothing for string, bytes and
 * variant results), so a mod author can run a mod against the game's API from the command line.
 * The policy additions are validated as Godot would (a refused addition is the same error).
 */
import { readFileSync } from 'node:fs';
import type { WasGoEngine } from '../engine/engine';
import { SettingsError } from '../engine/errors';
import { additionsOf, parseGameApi, type ApiFunction, type GameApiData } from '../godot/game-api-data';
import { checkInput, fileError } from './files';
import { gameAbi } from '../godot/game-functions';
import { createPolicy } from '../godot/policy';
import type { HostCallContext } from '../table/host-function';

/**
 * Reads and checks the game's API file, as Godot would (the same parser; a refused policy
 * addition is the same error): SettingsError naming the file and the entry; a missing or
 * unreadable file is a CliFileError (exit 2). Shared by `wasgo run --api` and `wasgo sdk --api`.
 */
export function readApiFile(file: string): GameApiData {
  checkInput(file, 'API file');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw fileError(e, file, 'API file') ?? new SettingsError(`${file}: not JSON: ${(e as Error).message}`);
  }
  const api = parseGameApi(json, file);
  try {
    createPolicy(additionsOf(api.additions));
  } catch (e) {
    throw new SettingsError(`${file}: ${(e as Error).message}`);
  }
  return api;
}

/** Registers the stubs of `file`'s functions; returns how many. SettingsError when the file is not valid. */
export function registerApiStubs(engine: WasGoEngine, file: string, log: (line: string) => void): number {
  const api = readApiFile(file);
  for (const f of api.functions) engine.register(stub(f, log));
  return api.functions.length;
}

function stub(f: ApiFunction, log: (line: string) => void) {
  const abi = gameAbi(f);
  const key = `${f.module}.${f.name}`;
  const zero = f.result === 'i64' ? 0n : f.result === '' ? undefined : 0;
  return {
    module: f.module, name: f.name, level: f.level, kind: 'core' as const, params: abi.params, result: abi.result,
    doc: `${key} (stub from --api: logs its calls)`,
    implementation: (ctx: HostCallContext, ...args: unknown[]) => {
      const shown = f.params.map((kind, i) => show(kind, args[i]));
      log(`[api] ${ctx.mod}: ${key}(${shown.join(', ')})${f.result ? ` -> ${String(zero)}` : ''}`);
      return zero;
    },
  };
}

function show(kind: string, v: unknown): string {
  if (kind === 'string') return JSON.stringify(v);
  if (kind === 'bytes' || kind === 'variant') return `<${(v as Uint8Array).length} bytes>`;
  if (kind === 'node') return `node handle ${String(v)}`;
  return String(v);
}
