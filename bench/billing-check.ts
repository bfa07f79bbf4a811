// npm run bench:billing — the billing check over 10,000 running VMs in 1,000 tenants.
//
// Starts the API on its embedded defaults (wrangler dev, D1, see ./support/local-api.ts), writes
// the fleet straight into its local D1 (1,000 active tenants, each with 10 running VMs, a month
// of usage segments per VM so far — one per 5-minute checkpoint over the last hour, plus older
// hourly ones — and one monthly budget; every tenth tenant's budget is already exceeded so the
// check also announces thresholds), then drives the real job the Cron Trigger runs, through
// `POST /billing/check` with the root key (one bounded scheduled run per call), until a pass over
// all tenants completes. It does that twice: the first pass creates every tenant's BudgetActor
// and loads its spend from the ledger; the second is the steady state.
//
// Prints, per run: tenants visited, duration, counters; per pass: runs, total time, tenants/s.
// Figures are for this machine under wrangler dev (local workerd, local SQLite D1); on Cloudflare
// the D1 round trip is longer and the actors are spread over machines.
//
//   npm run bench:billing -- [--tenants 1000] [--vms-per-tenant 10] [--segments-per-vm 24]
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT, startLocalApi } from "./support/local-api";

const run = promisify(execFile);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const TENANTS = arg("tenants", 1_000);
const VMS_PER_TENANT = arg("vms-per-tenant", 10);
const SEGMENTS_PER_VM = arg("segments-per-vm", 24);
const HOURLY_MICROS = 526_000; // g4dn.xlarge on demand
const HARD_TIMEOUT_MS = 20 * 60_000;

interface JobReport {
  job: string;
  durationMs: number;
  tenants: number;
  complete: boolean;
  counters: Record<string, number>;
  errors: { tenantId: string; message: string }[];
  skipped?: string;
}

const pad = (n: number, width = 6) => String(n).padStart(width, "0");
const q = (s: string | null) => (s === null ? "NULL" : `'${s.replaceAll("'", "''")}'`);

/** The fleet as SQL (multi-row INSERTs, so the import is quick). */
function fleetSql(now: number): { sql: string; vms: number; segments: number } {
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const lines: string[] = [];
  // D1 caps a statement at 100 KB: batch rows up to ~60 KB each.
  const insert = (table: string, columns: string, rows: string[]) => {
    let batch: string[] = [];
    let size = 0;
    const flush = () => {
      if (batch.length > 0) lines.push(`INSERT INTO ${table} (${columns}) VALUES ${batch.join(",\n")};`);
      batch = [];
      size = 0;
    };
    for (const row of rows) {
      if (size + row.length > 60_000) flush();
      batch.push(row);
      size += row.length + 2;
    }
    flush();
  };
  const tenants: string[] = [];
  const vms: string[] = [];
  const segments: string[] = [];
  const budgets: string[] = [];
  const segmentCost = Math.round((HOURLY_MICROS * 300) / 3600); // one 5-minute checkpoint
  for (let t = 0; t < TENANTS; t++) {
    const tenantId = `ten_bench${pad(t, 17)}`;
    tenants.push(`(${q(tenantId)}, ${q(`bench tenant ${t}`)}, 'active', NULL, ${now}, ${now})`);
    let tenantSpend = 0;
    for (let v = 0; v < VMS_PER_TENANT; v++) {
      const vmId = `vm_bench${pad(t, 6)}${pad(v, 12)}`;
      const playerId = `player-${t}-${v}`;
      const data = JSON.stringify({ spot: false, timings: {}, endpoint: null, lastActivityAt: null });
      vms.push(
        `(${q(vmId)}, ${q(tenantId)}, 'running', 5, 'simulated', 'eu-central-1', 'g4dn.xlarge', 'pcsx2', ${q(playerId)}, NULL, ${q(`i-${t}-${v}`)}, NULL, ${monthStart}, ${now}, ${q(data)})`,
      );
      for (let s = 0; s < SEGMENTS_PER_VM; s++) {
        // Spread through the month so far, never in the future.
        const start = Math.min(now - 600_000, monthStart + Math.floor(((now - monthStart) * s) / SEGMENTS_PER_VM));
        const day = new Date(start).toISOString().slice(0, 10);
        segments.push(
          `(${q(`${vmId}:${s + 1}`)}, ${q(tenantId)}, ${q(vmId)}, ${q(playerId)}, NULL, 'simulated', 'eu-central-1', 'g4dn.xlarge', 'compute', ${start}, ${start + 300_000}, ${q(day)}, 300, ${HOURLY_MICROS}, ${segmentCost})`,
        );
        tenantSpend += segmentCost;
      }
    }
    // Every tenth tenant is already past 50 % of its budget: the check announces a threshold.
    const limit = t % 10 === 0 ? Math.ceil(tenantSpend * 1.5) : tenantSpend * 100;
    budgets.push(
      `(${q(`bud_bench${pad(t, 17)}`)}, ${q(tenantId)}, 'fleet cap', NULL, 'monthly', ${limit}, '[50,80,100]', 'notify', ${monthStart}, ${now})`,
    );
  }
  insert("tenants", "id, name, status, player_auth, created_at, updated_at", tenants);
  insert(
    "vms",
    "id, tenant_id, state, seq, provider, region, instance_type, emulator_id, player_id, session_id, provider_instance_id, failure_reason, created_at, updated_at, data",
    vms,
  );
  insert(
    "usage_segments",
    "id, tenant_id, vm_id, player_id, session_id, provider, region, instance_type, kind, start_at, end_at, day, seconds, unit_price_micros, cost_micros",
    segments,
  );
  insert("budgets", "id, tenant_id, name, player_id, period, limit_micros, thresholds, action, created_at, updated_at", budgets);
  return { sql: lines.join("\n"), vms: vms.length, segments: segments.length };
}

/** One scheduled run; `restarted` when wrangler dev's proxy lost the connection (it answers 503). */
async function checkRun(
  baseUrl: string,
  rootKey: string,
): Promise<{ report: JobReport; wallMs: number } | { restarted: true; wallMs: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/billing/check`, {
    method: "POST",
    headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
    body: JSON.stringify({ jobs: ["billing-check"] }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (response.status === 503 && text.includes("restarted mid-request"))
    return { restarted: true, wallMs: performance.now() - started };
  if (response.status !== 200) throw new Error(`POST /billing/check answered ${response.status}: ${text.slice(0, 500)}`);
  const [report] = (JSON.parse(text) as { reports: JobReport[] }).reports;
  if (!report) throw new Error("no report");
  return { report, wallMs: performance.now() - started };
}

async function pass(label: string, baseUrl: string, rootKey: string) {
  console.log(`\n${label}`);
  console.log("run  tenants  duration ms  checked  corrected  actions  errors");
  const started = performance.now();
  let runs = 0;
  let tenants = 0;
  let corrected = 0;
  let errors = 0;
  let restarts = 0;
  for (;;) {
    const answer = await checkRun(baseUrl, rootKey);
    if ("restarted" in answer) {
      // The job's cursor is saved after each run, so the next run continues where it stopped.
      restarts++;
      // wrangler dev's proxy says "restarted mid-request" for any dropped connection; after a long
      // run the local runtime drops the next one (README, "Load test"). Nothing ran: send it again.
      console.log(`  -  the local runtime dropped the request (${Math.round(answer.wallMs)} ms); sending it again`);
      if (restarts > 10) throw new Error("the local runtime keeps dropping requests");
      continue;
    }
    const { report } = answer;
    if (report.skipped) throw new Error(`run skipped: ${report.skipped}`);
    runs++;
    tenants += report.tenants;
    corrected += report.counters.corrected ?? 0;
    errors += report.errors.length;
    console.log(
      `${String(runs).padStart(3)}  ${String(report.tenants).padStart(7)}  ${String(report.durationMs).padStart(11)}  ${String(report.counters.checked ?? 0).padStart(7)}  ${String(report.counters.corrected ?? 0).padStart(9)}  ${String(report.counters.actionsQueued ?? 0).padStart(7)}  ${String(report.errors.length).padStart(6)}`,
    );
    for (const e of report.errors.slice(0, 3)) console.log(`     error ${e.tenantId}: ${e.message}`);
    if (report.complete) break;
    if (runs > 50) throw new Error("no complete pass after 50 runs");
  }
  const totalMs = performance.now() - started;
  console.log(
    `pass: ${runs} run(s), ${tenants} tenants, ${(totalMs / 1000).toFixed(1)} s, ${(tenants / (totalMs / 1000)).toFixed(0)} tenants/s, ${corrected} VM-period totals corrected, ${errors} errors, ${restarts} dropped requests resent`,
  );
  return { runs, tenants, totalMs: Math.round(totalMs), corrected, errors, restarts };
}

async function main() {
  const hardStop = setTimeout(() => {
    console.error(`bench:billing: still running after ${HARD_TIMEOUT_MS / 60_000} min; giving up`);
    process.exit(1);
  }, HARD_TIMEOUT_MS);
  hardStop.unref();
  const api = await startLocalApi({
    logLevel: "warn",
    keepState: process.env.KEEP_STATE === "1",
    wranglerLogLevel: process.env.KEEP_STATE === "1" ? "log" : "warn",
  });
  try {
    const now = Date.now();
    const fleet = fleetSql(now);
    const file = join(api.dir, "fleet.sql");
    writeFileSync(file, fleet.sql);
    console.log(`seeding ${TENANTS} tenants, ${fleet.vms} running VMs, ${fleet.segments} usage segments, ${TENANTS} budgets`);
    const seedStart = performance.now();
    await run(
      join(PROJECT_ROOT, "node_modules", ".bin", "wrangler"),
      [
        "d1",
        "execute",
        "DB",
        "--local",
        "--persist-to",
        join(api.dir, "state"),
        "--config",
        join(api.dir, "wrangler.toml"),
        "--file",
        file,
        "--yes",
      ],
      {
        cwd: api.dir,
        env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    console.log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const first = await pass("pass 1 (cold: every BudgetActor created and loaded from the ledger)", api.baseUrl, api.rootKey);
    const second = await pass("pass 2 (steady state)", api.baseUrl, api.rootKey);
    const summary = {
      tenants: TENANTS,
      runningVms: fleet.vms,
      usageSegments: fleet.segments,
      cold: first,
      steady: second,
    };
    console.log(`\n${JSON.stringify(summary)}`);
    if (first.errors + second.errors > 0) {
      console.error(`errors; the API's last log lines:\n${api.logTail(15).join("\n")}`);
      process.exitCode = 1;
    }
  } finally {
    await api.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
