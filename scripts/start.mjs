#!/usr/bin/env node
// `npm start`: one command from a fresh clone to a running local API on the embedded defaults.
// 1. create .dev.vars from .dev.vars.example when missing;
// 2. apply local D1 migrations (when the project has any), with the same state dir as dev;
// 3. run `wrangler dev` with every extra argument (`npm start -- --port 8788`), in its own
//    process group so that stopping npm stops wrangler and workerd too.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");
const persist = [".wrangler/state"];
const args = process.argv.slice(2);

if (!existsSync(join(root, ".dev.vars"))) {
  copyFileSync(join(root, ".dev.vars.example"), join(root, ".dev.vars"));
  console.log("[start] created .dev.vars from .dev.vars.example");
}

const migrations = join(root, "migrations");
const hasD1 = /\[\[d1_databases\]\]/.test(readFileSync(join(root, "wrangler.toml"), "utf8"));
if (hasD1 && existsSync(migrations) && readdirSync(migrations).some((f) => f.endsWith(".sql"))) {
  const applied = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", ...persist], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CI: "true" }, // non-interactive: never prompt
  });
  if (applied.status !== 0) process.exit(applied.status ?? 1);
}

const child = spawn(wrangler, ["dev", "--persist-to", ...persist, ...args], { cwd: root, stdio: "inherit", detached: true });
const forward = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => forward(signal));
process.on("exit", () => forward("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
