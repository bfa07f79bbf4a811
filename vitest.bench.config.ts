// Benchmarks (`npm run bench`): pure code and the request pipeline, measured in Node.
// They print figures; they are not tests and assert nothing about timings.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "node",
    include: [],
    benchmark: { include: ["bench/**/*.bench.ts"] },
  },
});
