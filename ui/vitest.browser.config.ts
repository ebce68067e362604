import { defineConfig } from "vitest/config";

// Headless Chromium against the `dist-e2e` build (run `npm run build:e2e` first).
export default defineConfig({
  test: {
    environment: "node",
    include: ["tests-browser/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
