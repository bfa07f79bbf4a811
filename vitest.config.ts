// Tests run inside workerd (the Workers runtime) through @cloudflare/vitest-pool-workers.

import { builtinModules } from "node:module";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// CommonJS packages the tests load inside workerd must be pre-bundled by Vite; node builtins stay
// external (workerd provides them with nodejs_compat).
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Pinned here so a developer's .dev.vars never changes what tests see.
        bindings: {
          ENVIRONMENT: "production",
          ALLOWED_ORIGINS: "https://play.example.com,https://admin.example.com",
          LOG_LEVEL: "error",
          MAX_BODY_BYTES: "4096",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: ["@apidevtools/swagger-parser"],
          rolldownOptions: { platform: "node", external: nodeBuiltins },
        },
      },
    },
  },
});
