// Runs inside workerd before each test file: every file gets a fresh, migrated D1 database.
import { applyD1Migrations, env } from "cloudflare:test";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
