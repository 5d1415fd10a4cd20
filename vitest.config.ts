import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/godot/**', 'node_modules/**'],
    // A TMPDIR per run, removed at the end (tests/helpers/tmp-setup.ts).
    globalSetup: ['tests/helpers/tmp-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
