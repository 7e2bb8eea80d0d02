import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    restoreMocks: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Fake servers bind ephemeral loopback ports; parallel files are fine, but keep the 2-core machines calm.
    maxWorkers: 2,
  },
});
