// vitest globalSetup: several tests run the example mods that `npm run build` makes. When the C
// examples could not be built (no C toolchain), say so once, with what to install, instead of
// leaving only "no such .wasm file" failures to puzzle over.
import { existsSync } from 'node:fs';
// @ts-expect-error: a plain .mjs build script without types
import { missingToolchain } from '../../examples/build-examples.mjs';

export default function setup(): void {
  const missing = ['examples/hello-c/hello.wasm', 'examples/wasi-c/hello.wasm', 'examples/ant-game/game.ant.zip'].filter((f) => !existsSync(f));
  if (!missing.length) return;
  const reason = (missingToolchain('wasi-clang') ?? missingToolchain('clang')) as string | null;
  console.warn(`\nnote: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing, so the tests that use ${missing.length === 1 ? 'it' : 'them'} will fail: ${reason ?? 'run npm run build first'}\n`);
}
