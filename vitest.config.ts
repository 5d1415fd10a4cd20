import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/godot/**', 'node_modules/**'],
    // A TMPDIR per run, removed at the end; a clear note when the C examples were not built.
    globalSetup: ['tests/helpers/tmp-setup.ts', 'tests/helpers/examples-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
