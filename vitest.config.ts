// Tests run inside workerd (the Workers runtime) through @cloudflare/vitest-pool-workers.
// test/global-setup.ts (Node) starts a MongoDB-wire test server and provides its URI.

import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// CommonJS packages the tests load inside workerd must be pre-bundled by Vite; node builtins stay
// external (workerd provides them with nodejs_compat), except process (shimmed below).
const nodeBuiltins = builtinModules.filter((m) => m !== "process").flatMap((m) => [m, `node:${m}`]);
const processShim = fileURLToPath(new URL("./test/shims/process.cjs", import.meta.url));

const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

export default defineConfig({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Pinned here so a developer's .dev.vars never changes what tests see.
        bindings: {
          ENVIRONMENT: "production",
          ALLOWED_ORIGINS: "https://play.example.com,https://admin.example.com",
          LOG_LEVEL: "error",
          MAX_BODY_BYTES: "262144",
          STORE: "d1",
          MONGODB_URI: inject("mongoUri"),
          MONGODB_DATABASE: inject("mongoDatabase"),
          MONGO_GATEWAY_SHARDS: "2",
          ROOT_API_KEY: "gpk_root_test_0123456789abcdefghijklmnopqrstuvwxyz",
          DEV_ADMIN_API_KEY: "",
          DEV_PLAYER_API_KEY: "",
          TEST_MIGRATIONS: migrations,
          // A tenant's HS256 player-token key, referenced by name from its playerAuth settings.
          TEST_PLAYER_JWT_KEY: "test-player-jwt-key-0123456789abcdef0123456789",
          // The fake EC2 endpoint (test/fake-ec2-setup.ts) and the AWS documentation's example key.
          FAKE_EC2_ENDPOINT: inject("ec2Endpoint"),
          AWS_TEST_CREDENTIALS: JSON.stringify({
            accessKeyId: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
          }),
          // The webhook receiver (test/webhook-receiver-setup.ts): http://127.0.0.1:<port>.
          WEBHOOK_RECEIVER_URL: inject("webhookReceiver"),
        },
        // Small limits so tests can reach them (the binding is exact locally).
        ratelimits: {
          KEY_RATE_LIMITER: { simple: { limit: 1000, period: 60 } },
          PLAYER_RATE_LIMITER: { simple: { limit: 20, period: 60 } },
        },
      },
    })),
  ],
  resolve: {
    alias: [
      { find: /^node:process$/, replacement: processShim },
      { find: /^process$/, replacement: processShim },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts", "./test/fake-ec2-setup.ts", "./test/webhook-receiver-setup.ts"],
    setupFiles: ["./test/setup.ts"],
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: ["mongodb", "@apidevtools/swagger-parser"],
          rolldownOptions: { platform: "node", external: nodeBuiltins },
        },
      },
    },
  },
});
