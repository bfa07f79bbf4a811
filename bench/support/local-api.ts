// startLocalApi(options?: LocalApiOptions): Promise<LocalApi> — the API on its embedded defaults
// (D1 store, simulated cloud) in `wrangler dev`, for benchmarks that need the real runtime (load
// test, fault campaign, billing checks). LocalApi = { baseUrl, port, rootKey, dir, logFile,
// logTail(), stop() }.
//
//   const api = await startLocalApi();                      // or { logLevel: "info", vars: { ... } }
//   try {
//     await fetch(`${api.baseUrl}/health`);                 // http://127.0.0.1:<free port>
//     // api.rootKey creates tenants (see ./tenant.ts); api.logFile has wrangler's output
//   } finally {
//     await api.stop();                                     // kills the whole process group, deletes the state
//   }
//
// What it does, like `npm start` (scripts/start.mjs) but isolated from the developer's checkout:
// 1. makes a temporary directory holding everything of this run: a snapshot of the Worker
//    (bundled once with `wrangler deploy --dry-run --outdir`, so edits made to src/ while the
//    benchmark runs never reload the Worker under load), a copy of wrangler.toml and migrations/,
//    a `.dev.vars` made from `.dev.vars.example` (so the demo tenant and its keys are seeded as with
//    `npm start`) with a random ROOT_API_KEY, LOG_LEVEL and `vars` on top, and the local state
//    (`--persist-to`): the developer's `.dev.vars` and `.wrangler/state` are never read or written;
// 2. applies the D1 migrations to that state (`wrangler d1 migrations apply DB --local`);
// 3. runs `wrangler dev` on a free loopback port (and a free inspector port), in its own process
//    group (`detached`), wrangler's own log level `warn` by default, output to `<dir>/wrangler.log`;
// 4. waits until `GET /health` answers 200 (rejects, after stopping everything, if wrangler exits
//    first or after `readyTimeoutMs`; bundling and migrations have their own 2-minute limits).
// `stop()` sends SIGTERM to the process group, SIGKILL after 5 s, waits for the group to be gone,
// then removes the directory (unless `keepState`). It is idempotent. On SIGINT/SIGTERM/SIGHUP
// (unless `handleSignals: false`) every API still running is stopped and the process exits with
// 128 + the signal number; on any other exit the group is killed synchronously (SIGKILL).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (this file is bench/support/local-api.ts). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WRANGLER = join(PROJECT_ROOT, "node_modules", ".bin", "wrangler");

export interface LocalApiOptions {
  /** Port to listen on (127.0.0.1). Default: a free one. */
  port?: number;
  /** The root credential. Default: a random 48-character key. */
  rootKey?: string;
  /** LOG_LEVEL of the Worker. Default "warn" (one line per 4xx/5xx request, not per request). */
  logLevel?: "debug" | "info" | "warn" | "error";
  /**
   * wrangler's own log level. Default "warn": at "info" (what `npm start` uses) wrangler's proxy
   * logs every request with an extra loopback call to the wrangler process, a cost of the dev tool
   * (not of the API) that would dominate a load test. The Worker's own warn/error lines still show.
   */
  wranglerLogLevel?: "debug" | "info" | "log" | "warn" | "error";
  /** More settings, written to this run's `.dev.vars` after those of `.dev.vars.example`. */
  vars?: Record<string, string>;
  /** How long to wait for `GET /health` to answer 200 once wrangler runs. Default 180 s. */
  readyTimeoutMs?: number;
  /** Keep the temporary directory (state, log) after stop(), e.g. to inspect it. Default false. */
  keepState?: boolean;
  /** Install SIGINT/SIGTERM/SIGHUP handlers that stop the API and exit. Default true. */
  handleSignals?: boolean;
  /** Progress lines ("bundling", "ready on ..."). Default: stderr, prefixed with [local-api]. */
  onProgress?: (line: string) => void;
}

export interface LocalApi {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  port: number;
  /** The root credential of this run (POST /config/tenants). */
  rootKey: string;
  /** The temporary directory of this run (snapshot, `.dev.vars`, `state/`, `wrangler.log`). */
  dir: string;
  /** wrangler's and the Worker's output (JSON log lines). */
  logFile: string;
  /** The last `maxLines` lines of the log (e.g. to show why requests failed). */
  logTail(maxLines?: number): string[];
  /** Kills the process group and removes the temporary directory. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asked from the OS; released just before use). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

function randomKey(length = 48): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** `.dev.vars.example` as key/value pairs (comments and blank lines dropped). */
function exampleVars(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of readFileSync(join(PROJECT_ROOT, ".dev.vars.example"), "utf8").split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) vars[match[1]] = match[2] ?? "";
  }
  return vars;
}

/** Runs a command to completion with its output appended to `logFile`; rejects on a nonzero exit. */
function runStep(args: string[], logFile: string, timeoutMs: number, onSpawn: (child: ChildProcess) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, "a");
    const child = spawn(WRANGLER, args, { cwd: PROJECT_ROOT, stdio: ["ignore", fd, fd], env: childEnv(), detached: true });
    closeSync(fd);
    running.add(child);
    onSpawn(child);
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      killGroup(child, "SIGKILL"); // anything it left behind
      running.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`wrangler ${args[0]} ${args[1] ?? ""} failed (${signal ?? `exit ${code}`}); see ${logFile}`));
    });
  });
}

function childEnv(): NodeJS.ProcessEnv {
  // Non-interactive (never prompt), no telemetry, no colours in the log.
  return { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" };
}

// Every process group started here and still alive, for the exit and signal handlers.
const running = new Set<ChildProcess>();
let handlersInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // the group: wrangler and workerd
  } catch {
    // already gone
  }
}

/** Whether a live (not zombie) process of the group remains (Linux /proc; elsewhere: assume not). */
function groupAlive(pgid: number): boolean {
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // state ppid pgrp ...
        if (Number(fields[2]) === pgid && fields[0] !== "Z") return true;
      } catch {
        // the process just exited
      }
    }
  } catch {
    return false;
  }
  return false;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Removes a directory that processes may still have been writing to a moment ago. */
function removeDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  } catch (error) {
    process.stderr.write(`[local-api] could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function installHandlers(handleSignals: boolean): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", () => {
    // Synchronous only: kill every group still running, give the kernel a moment, remove the state.
    for (const child of running) killGroup(child, "SIGKILL");
    const deadline = Date.now() + 3_000;
    for (const child of running) {
      while (child.pid !== undefined && groupAlive(child.pid) && Date.now() < deadline) sleepSync(25);
    }
    for (const cleanup of cleanups) cleanup();
  });
  if (!handleSignals) return;
  const codes: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    // `on`, not `once`: a second signal (a wrapper such as tsx relays Ctrl-C) must not kill the
    // process while the exit handler is still cleaning up.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n[local-api] ${signal}: stopping the local API\n`);
      // Asynchronously, so the event loop keeps running (a wrapper such as tsx waits for its child
      // to acknowledge the signal and kills it with SIGKILL otherwise); the exit handler is the backstop.
      const exit = () => process.exit(128 + (codes[signal] ?? 0));
      setTimeout(exit, 10_000).unref();
      Promise.allSettled([...stoppers].map((stop) => stop())).then(exit, exit);
    });
  }
}
const stoppers = new Set<() => Promise<void>>();
const cleanups = new Set<() => void>();

export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(`[local-api] ${line}\n`));
  installHandlers(options.handleSignals ?? true);
  const dir = mkdtempSync(join(tmpdir(), "gp-local-api-"));
  const logFile = join(dir, "wrangler.log");
  writeFileSync(logFile, "");
  const removeDir = () => {
    if (!options.keepState) removeDirSync(dir);
  };
  cleanups.add(removeDir);
  let child: ChildProcess | undefined; // the current process group: a setup step, then wrangler dev
  const track = (spawned: ChildProcess) => {
    child = spawned;
  };
  let stopped: Promise<void> | undefined;

  const stopProcesses = async (): Promise<void> => {
    const leader = child;
    if (!leader) return;
    const exited = new Promise<void>((resolve) => {
      if (leader.exitCode !== null || leader.signalCode !== null) resolve();
      else leader.once("exit", () => resolve());
    });
    killGroup(leader, "SIGTERM");
    const timer = setTimeout(() => killGroup(leader, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    killGroup(leader, "SIGKILL"); // workerd, if it outlived wrangler
    const deadline = Date.now() + 5_000;
    while (leader.pid !== undefined && groupAlive(leader.pid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    running.delete(leader);
  };
  const stop = (): Promise<void> => {
    stopped ??= stopProcesses().then(() => {
      removeDir();
      cleanups.delete(removeDir);
      stoppers.delete(stop);
    });
    return stopped;
  };
  stoppers.add(stop);
  const checkNotStopped = () => {
    if (stopped) throw new Error("startLocalApi: stopped while starting");
  };

  try {
    const rootKey = options.rootKey ?? randomKey();
    const port = options.port ?? (await freePort());
    const inspectorPort = await freePort();

    // 1. The snapshot: config, migrations, bundle, settings.
    progress(`bundling the Worker into ${dir}`);
    cpSync(join(PROJECT_ROOT, "wrangler.toml"), join(dir, "wrangler.toml"));
    if (existsSync(join(PROJECT_ROOT, "migrations")))
      cpSync(join(PROJECT_ROOT, "migrations"), join(dir, "migrations"), { recursive: true });
    await runStep(["deploy", "--dry-run", "--outdir", join(dir, "bundle")], logFile, 120_000, track);
    checkNotStopped();
    const vars = {
      ...exampleVars(),
      ROOT_API_KEY: rootKey,
      LOG_LEVEL: options.logLevel ?? "warn",
      ...options.vars,
    };
    writeFileSync(
      join(dir, ".dev.vars"),
      `${Object.entries(vars)
        .map(([k, v]) => `${k}=${v}`)
        .join("\n")}\n`,
    );
    const config = ["--config", join(dir, "wrangler.toml")];
    const persist = ["--persist-to", join(dir, "state")];

    // 2. D1 migrations on this run's state.
    if (existsSync(join(dir, "migrations"))) {
      progress("applying D1 migrations");
      await runStep(["d1", "migrations", "apply", "DB", "--local", ...persist, ...config], logFile, 120_000, track);
      checkNotStopped();
    }

    // 3. wrangler dev on the snapshot, in its own process group.
    const fd = openSync(logFile, "a");
    child = spawn(
      WRANGLER,
      [
        "dev",
        join(dir, "bundle", "index.js"),
        "--no-bundle",
        ...config,
        ...persist,
        "--ip",
        "127.0.0.1",
        "--port",
        String(port),
        "--inspector-port",
        String(inspectorPort),
        "--show-interactive-dev-session=false",
        "--log-level",
        options.wranglerLogLevel ?? "warn",
      ],
      { cwd: dir, stdio: ["ignore", fd, fd], env: childEnv(), detached: true },
    );
    closeSync(fd);
    running.add(child);
    const exited = new Promise<never>((_, reject) => {
      child?.once("exit", (code, signal) =>
        reject(new Error(`wrangler dev exited (${signal ?? `code ${code}`}); see ${logFile}`)),
      );
      child?.once("error", reject);
    });
    exited.catch(() => {}); // observed below while waiting; later exits are the caller's concern

    // 4. Ready when /health answers 200.
    const baseUrl = `http://127.0.0.1:${port}`;
    progress(`starting wrangler dev on ${baseUrl}`);
    await Promise.race([waitForHealth(baseUrl, options.readyTimeoutMs ?? 180_000), exited]);
    progress(`ready on ${baseUrl} (state and log in ${dir})`);

    const logTail = (maxLines = 50): string[] => {
      try {
        const lines = readFileSync(logFile, "utf8").split("\n").filter(Boolean);
        return lines.slice(-maxLines);
      } catch {
        return [];
      }
    };
    return { baseUrl, port, rootKey, dir, logFile, logTail, stop };
  } catch (error) {
    await stopProcesses();
    const tail = existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n") : "";
    if (tail.trim()) progress(`last lines of wrangler's output:\n${tail}`);
    await stop();
    throw error;
  }
}

async function waitForHealth(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return;
      last = `status ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`GET ${baseUrl}/health did not answer 200 within ${timeoutMs} ms (last: ${last})`);
}
