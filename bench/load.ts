// `npm run bench:load`: a load test of the real Worker in `wrangler dev` (workerd) on its embedded
// defaults (D1 store, simulated cloud), on loopback, with autocannon.
//
// 1. Starts its own API (bench/support/local-api.ts): a snapshot of the Worker, a free port, a
//    temporary state directory, a random root key. Nothing of the developer's is read or written.
// 2. Seeds a tenant through the API (root key → tenant + admin key → operator keys) and makes
//    enough operator keys that no credential goes over 80 % of its rate limit (KEY_RATE_LIMITER,
//    1200/60 s): requests are spread round-robin over a fresh set of keys per phase. Operator
//    launches name `playerId`; the per-player limit (120/60 s) counts player credentials only, and
//    every launch is a distinct player anyway. For this tenant only, it lifts the simulated cloud's
//    per-region quotas (50 instances by default) so the launch phase measures the API, not the
//    quota, and the policy's RTT cap (80 ms → 1000 ms) so that every random player is placeable:
//    behind one edge (loopback here, an operator's backend in production) explicit locations take
//    the edge's country, which bends the RTT model for players elsewhere (see the README).
// 3. Phases, each bounded by time or by a number of requests (a watchdog stops any that overruns):
//    GET /health; POST /launch/preview (players at random places, uniform over the globe);
//    POST /launch (distinct players at random places, each one a session and a VM on the simulated
//    cloud) in bursts of one launch per connection, all in flight at once, waiting between bursts
//    until the API answers promptly again (see below); GET /vms (operator, first page).
//    Why bursts: every launch leaves work behind it in the local runtime (the VM's actor polls the
//    simulated cloud, which boots it and plays its agent; the player's actor follows the VM; both
//    write to D1), and `wrangler dev` runs all of it on one workerd thread. Back-to-back launches on
//    200 connections saturate it within ~250 launches on this 2-core machine, and past ~5 s of
//    event-loop lag workerd's keep-alive timeouts start dropping connections (see the README).
// 4. Prints one row per endpoint (req/s, p50/p99/max ms, 429 apart from other non-2xx, connection
//    errors, timeouts), the ratio of POST /launch p99 to GET /health p99, where the launched VMs
//    got to, and a JSON block. Exits 1 when any phase had a non-2xx other than 429, a connection
//    error or a timeout, or overran; 2 on a setup failure or the overall time limit.
//
// Options (after `--`): --connections 200 --health-seconds 10 --preview-seconds 15 --launches 600
// --launch-burst <connections> (launches in flight at once) --vms-seconds 10 --max-rps 3000 (sizes
// the key sets) --log-level warn (the Worker's LOG_LEVEL) --time-limit-minutes 15
// --keep-state (keep the temporary directory: state and wrangler.log).
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { formatTable, mergeSummaries, type PhaseRequest, type PhaseSummary, runPhase, waitUntilIdle } from "./support/load-phase";
import { type LocalApi, startLocalApi } from "./support/local-api";
import { apiCall, createApiKeys, createTenant, keysFor, rateLimits } from "./support/tenant";

const { values: args } = parseArgs({
  options: {
    connections: { type: "string", default: "200" },
    "health-seconds": { type: "string", default: "10" },
    "preview-seconds": { type: "string", default: "15" },
    launches: { type: "string", default: "600" },
    "launch-burst": { type: "string" },
    "vms-seconds": { type: "string", default: "10" },
    "max-rps": { type: "string", default: "3000" },
    "log-level": { type: "string", default: "warn" },
    "time-limit-minutes": { type: "string", default: "15" },
    "keep-state": { type: "boolean", default: false },
  },
});
const num = (name: keyof typeof args): number => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const connections = num("connections");
const healthSeconds = num("health-seconds");
const previewSeconds = num("preview-seconds");
const launchBurst = args["launch-burst"] === undefined ? connections : num("launch-burst");
const launches = Math.max(num("launches"), launchBurst);
const vmsSeconds = num("vms-seconds");
const maxRps = num("max-rps");
const logLevel = args["log-level"] as "debug" | "info" | "warn" | "error";

const EMULATORS = ["retroarch", "ppsspp", "dolphin", "pcsx2", "xemu", "cemu", "rpcs3"];
const GAMES = ["Shadow of the Colossus", "Super Mario Sunshine", "Halo", "Metroid Prime", "Ico", "Okami"];

const log = (line: string) => process.stderr.write(`[bench:load] ${line}\n`);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

function rotate<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length] as T;
}

/** A point drawn uniformly over the sphere (4 decimals, about 10 m). */
function randomPlayerLocation(): { lat: number; lon: number } {
  const lat = (Math.asin(2 * Math.random() - 1) * 180) / Math.PI;
  const lon = Math.random() * 360 - 180;
  return { lat: Math.round(lat * 1e4) / 1e4, lon: Math.round(lon * 1e4) / 1e4 };
}

async function seed(api: LocalApi) {
  const { tenantId, adminKey } = await createTenant(api, "bench:load");
  log(`tenant ${tenantId}`);
  // The simulated cloud allows 50 instances per region by default: lift that for this tenant.
  const provider = await apiCall<{ quotas: { region: string }[] }>(api.baseUrl, adminKey, "GET", "/config/providers/simulated");
  await apiCall(api.baseUrl, adminKey, "PATCH", "/config/providers/simulated", {
    quotas: provider.quotas.map((q) => ({ region: q.region, maxInstances: 100_000, maxGpus: 100_000 })),
  });
  // Every player placeable, wherever the random draw puts them (see the header).
  const policy = await apiCall<Record<string, unknown>>(api.baseUrl, adminKey, "GET", "/config/policy");
  await apiCall(api.baseUrl, adminKey, "PUT", "/config/policy", { ...policy, maxRttMs: 1000 });

  const sizes = {
    preview: keysFor(previewSeconds * maxRps),
    launch: keysFor(launches),
    vms: keysFor(vmsSeconds * maxRps),
  };
  const total = sizes.preview + sizes.launch + sizes.vms;
  log(`creating ${total} operator keys (${sizes.preview} preview, ${sizes.launch} launch, ${sizes.vms} vms)`);
  const tokens = await createApiKeys(api.baseUrl, adminKey, { count: total, scopes: ["operator"], namePrefix: "bench:load" });
  const keys = {
    preview: tokens.slice(0, sizes.preview),
    launch: tokens.slice(sizes.preview, sizes.preview + sizes.launch),
    vms: tokens.slice(sizes.preview + sizes.launch),
  };
  return { tenantId, adminKey, keys };
}

/** One request per key before a phase (authentication, catalog and isolate warm), not measured. */
async function warm(keys: string[], request: (key: string) => PhaseRequest, baseUrl: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const r = request(keys[next++] as string);
      await apiCall(baseUrl, r.token ?? null, r.method, r.path, r.body);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Pages through GET /vms and counts the tenant's VMs by state. */
async function vmStates(api: LocalApi, key: string): Promise<Record<string, number>> {
  const states: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: { items: { state: string }[]; nextCursor: string | null } = await apiCall(
      api.baseUrl,
      key,
      "GET",
      `/vms?limit=200${query}`,
    );
    for (const vm of page.items) states[vm.state] = (states[vm.state] ?? 0) + 1;
    cursor = page.nextCursor;
  } while (cursor);
  return states;
}

async function main(): Promise<number> {
  const started = Date.now();
  const api = await startLocalApi({ logLevel, keepState: args["keep-state"] });
  try {
    const { keys, adminKey } = await seed(api);
    const runId = Date.now().toString(36);
    let players = 0;
    const launchBody = () => ({
      emulator: pick(EMULATORS),
      game: pick(GAMES),
      playerId: `load-${runId}-${++players}`,
      location: randomPlayerLocation(),
    });
    const preview = (token: string): PhaseRequest => ({ method: "POST", path: "/launch/preview", token, body: launchBody() });
    const list = (token: string): PhaseRequest => ({ method: "GET", path: "/vms", token });
    const summaries: PhaseSummary[] = [];
    const phase = async (summary: Promise<PhaseSummary>) => {
      const s = await summary;
      summaries.push(s);
      log(
        `${s.name}: ${s.responses} responses in ${s.seconds.toFixed(1)} s, ${s.requestsPerSecond} req/s, ` +
          `p99 ${s.latencyMs.p99} ms, 429 ${s.rateLimited}, other non-2xx ${s.otherNon2xx}, errors ${s.errors}, timeouts ${s.timeouts}`,
      );
      if (s.serverErrors > 0) log(`5xx seen; the Worker's error lines:\n${errorLines(api).join("\n")}`);
    };

    log(`GET /health: ${connections} connections, ${healthSeconds} s`);
    await warm(["-"], () => ({ method: "GET", path: "/health" }), api.baseUrl);
    await phase(
      runPhase({
        name: "GET /health",
        baseUrl: api.baseUrl,
        connections,
        durationSeconds: healthSeconds,
        request: () => ({ method: "GET", path: "/health" }),
      }),
    );

    log(`POST /launch/preview: ${connections} connections, ${previewSeconds} s, ${keys.preview.length} keys`);
    await warm(keys.preview, preview, api.baseUrl);
    const previewKey = rotate(keys.preview);
    await phase(
      runPhase({
        name: "POST /launch/preview",
        baseUrl: api.baseUrl,
        connections,
        durationSeconds: previewSeconds,
        request: () => preview(previewKey()),
      }),
    );

    const bursts = Math.ceil(launches / launchBurst);
    log(
      `POST /launch: ${launches} launches (distinct players) in ${bursts} bursts of ${launchBurst}, ${keys.launch.length} keys`,
    );
    await warm(keys.launch, preview, api.baseUrl);
    const launchKey = rotate(keys.launch);
    const parts: PhaseSummary[] = [];
    for (let burst = 0; burst < bursts; burst++) {
      const amount = Math.min(launchBurst, launches - burst * launchBurst);
      parts.push(
        await runPhase({
          name: "POST /launch",
          baseUrl: api.baseUrl,
          connections,
          amount,
          maxSeconds: 300,
          request: () => ({ method: "POST", path: "/launch", token: launchKey(), body: launchBody() }),
        }),
      );
      const waited = await waitUntilIdle(api.baseUrl, { thresholdMs: 100, maxMs: 90_000 });
      log(`  burst ${burst + 1}/${bursts}: ${amount} launches; the API was idle again ${(waited / 1000).toFixed(1)} s later`);
    }
    await phase(Promise.resolve(mergeSummaries("POST /launch", parts)));

    await waitUntilIdle(api.baseUrl, { thresholdMs: 100, maxMs: 90_000 });
    log(`GET /vms: ${connections} connections, ${vmsSeconds} s, ${keys.vms.length} keys`);
    await warm(keys.vms, list, api.baseUrl);
    const vmsKey = rotate(keys.vms);
    await phase(
      runPhase({
        name: "GET /vms",
        baseUrl: api.baseUrl,
        connections,
        durationSeconds: vmsSeconds,
        request: () => list(vmsKey()),
      }),
    );

    const vms = await vmStates(api, adminKey);
    const health = summaries.find((s) => s.name === "GET /health");
    const launch = summaries.find((s) => s.name === "POST /launch");
    const ratio = health && launch && health.latencyMs.p99 > 0 ? launch.latencyMs.p99 / health.latencyMs.p99 : null;
    const failed = summaries.filter((s) => s.otherNon2xx > 0 || s.errors > 0 || s.timeouts > 0 || s.stoppedByWatchdog);
    const limited = summaries.filter((s) => s.rateLimited > 0);

    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, Node ${process.version}`;
    const load = loadavg().map((x) => Math.round(x * 100) / 100);
    process.stdout.write(
      `\nLoad test: ${connections} connections, wrangler dev on loopback, ${machine}, load average ${load.join(" ")}\n\n`,
    );
    process.stdout.write(`${formatTable(summaries)}\n\n`);
    process.stdout.write(
      `POST /launch p99 / GET /health p99: ${ratio === null ? "n/a" : ratio.toFixed(2)} (same run)\n` +
        `VMs of the ${launches} launches, by state ${Math.round((Date.now() - started) / 1000)} s after start: ${JSON.stringify(vms)}\n`,
    );
    if (limited.length > 0) {
      process.stdout.write(
        `Rate-limited (429) in: ${limited.map((s) => s.name).join(", ")}; raise --max-rps so more keys share the load.\n`,
      );
    }
    const json = {
      connections,
      machine,
      loadAverage: load,
      launchBursts: { launches, burst: launchBurst },
      phases: summaries.map((s) => ({
        endpoint: s.name,
        seconds: s.seconds,
        responses: s.responses,
        rps: s.requestsPerSecond,
        p50Ms: s.latencyMs.p50,
        p99Ms: s.latencyMs.p99,
        maxMs: s.latencyMs.max,
        rateLimited429: s.rateLimited,
        otherNon2xx: s.otherNon2xx,
        statuses: s.statuses,
        errors: s.errors,
        timeouts: s.timeouts,
      })),
      launchP99OverHealthP99: ratio === null ? null : Math.round(ratio * 100) / 100,
      vmsByState: vms,
      rateLimits: rateLimits(),
    };
    process.stdout.write(`\n${compactJson(json)}\n`);
    if (failed.length > 0) {
      process.stdout.write(`\nFAILED: errors other than 429 in ${failed.map((s) => s.name).join(", ")}\n`);
      return 1;
    }
    return 0;
  } finally {
    await api.stop();
  }
}

/** JSON with one line per top-level member and per phase (valid JSON, short enough to paste). */
function compactJson(value: Record<string, unknown>): string {
  const members = Object.entries(value).map(([key, member]) =>
    Array.isArray(member) && member.some((item) => typeof item === "object" && item !== null)
      ? `  ${JSON.stringify(key)}: [\n${member.map((item) => `    ${JSON.stringify(item)}`).join(",\n")}\n  ]`
      : `  ${JSON.stringify(key)}: ${JSON.stringify(member)}`,
  );
  return `{\n${members.join(",\n")}\n}`;
}

/** The Worker's error lines (JSON log lines at level error, uncaught exceptions) from wrangler's output. */
function errorLines(api: LocalApi): string[] {
  const lines = api
    .logTail(5_000)
    .filter((line) => /"level":"error"|Uncaught|Network connection lost/.test(line))
    .slice(-10);
  return lines.length > 0
    ? lines
    : [
        '  (none: these answers did not come from the Worker; a 503 "Your worker restarted mid-request" is wrangler\'s',
        '  proxy failing to reach an overloaded workerd, see README "Performance and reliability")',
      ];
}

const timeLimitMs = num("time-limit-minutes") * 60_000;
const deadline = setTimeout(() => {
  log(`time limit (${timeLimitMs / 60_000} min) reached: stopping`);
  process.exit(2); // the local API's exit handler kills wrangler's process group
}, timeLimitMs);
main().then(
  (code) => {
    clearTimeout(deadline);
    process.exit(code);
  },
  (error: unknown) => {
    clearTimeout(deadline);
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
