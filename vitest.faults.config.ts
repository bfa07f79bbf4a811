// `npm run bench:faults`: the full-size fault campaign (bench/faults/), inside workerd with the same
// bindings, setup and migrations as `npm test` (vitest.config.ts), but only the campaign's own file
// and with room for a few minutes. FAULT_LAUNCHES, FAULT_TENANTS and FAULT_SEED override its size.
import { defineConfig } from "vitest/config";
import base from "./vitest.config";

// What the campaign's test reads with inject() (declared again beside runFaultCampaign for the tests).
declare module "vitest" {
  export interface ProvidedContext {
    faultCampaign: { launches: number; tenants: number; seed: number };
  }
}

const number = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : fallback;
};

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["bench/faults/**/*.bench-run.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    provide: {
      faultCampaign: {
        launches: number("FAULT_LAUNCHES", 300),
        tenants: number("FAULT_TENANTS", 6),
        seed: number("FAULT_SEED", 2026),
      },
    },
  },
});
