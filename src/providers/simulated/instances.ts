// The simulated cloud's instance records: their SQLite rows, and the lazy state machine that
// turns stored timestamps into the state a caller sees now. Transitions are never driven by
// timers: a transitional state stores when it ends (`dueAt`), and every read evaluates it.
import type { InstanceInfo, InstanceState } from "../types";

export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS instances (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    token TEXT NOT NULL,
    params TEXT NOT NULL,
    region TEXT NOT NULL,
    instance_type TEXT NOT NULL,
    spot INTEGER NOT NULL,
    tags TEXT NOT NULL,
    user_data TEXT NOT NULL,
    gpus INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    state_at INTEGER NOT NULL,
    due_at INTEGER,
    launched_at INTEGER,
    stuck INTEGER NOT NULL,
    agent_silent INTEGER NOT NULL,
    agent_status TEXT NOT NULL,
    agent_next_at INTEGER,
    agent_gen INTEGER NOT NULL,
    agent_reports INTEGER NOT NULL,
    agent_error TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS instances_token ON instances (token)`,
  `CREATE INDEX IF NOT EXISTS instances_region ON instances (region, state)`,
  `CREATE INDEX IF NOT EXISTS instances_agent ON instances (agent_next_at)`,
];

/**
 * What the simulated agent of an instance is doing: `off` (agent disabled, silent, or the
 * instance never boots), `waiting` (the ready report is due at agentNextAt), `heartbeating`,
 * `stopped` (the instance left running, the actor refused it, or there is no actor to call).
 */
export type AgentStatus = "off" | "waiting" | "heartbeating" | "stopped";

export interface InstanceRow {
  id: string;
  /** 1, 2, ... in creation order within the account. */
  seq: number;
  /** The idempotency token ('' when none was given). */
  token: string;
  /** Canonical JSON of the create parameters, compared when a token is reused. */
  params: string;
  region: string;
  instanceType: string;
  spot: boolean;
  tags: Record<string, string>;
  userData: string;
  gpus: number;
  createdAt: number;
  /** The state as last written; `effective()` applies a transition that is due. */
  state: InstanceState;
  stateAt: number;
  /** When the current transitional state ends; null for stable states and stuck instances. */
  dueAt: number | null;
  launchedAt: number | null;
  stuck: boolean;
  agentSilent: boolean;
  agentStatus: AgentStatus;
  agentNextAt: number | null;
  /** Bumped whenever the agent's schedule is reset, so a stale alarm result is discarded. */
  agentGen: number;
  /** Successful agent calls (ready and heartbeats) over the instance's life. */
  agentReports: number;
  agentError: string | null;
}

type SqlRow = Record<string, SqlStorageValue>;

export function rowFromSql(r: SqlRow): InstanceRow {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    token: String(r.token),
    params: String(r.params),
    region: String(r.region),
    instanceType: String(r.instance_type),
    spot: Number(r.spot) === 1,
    tags: JSON.parse(String(r.tags)) as Record<string, string>,
    userData: String(r.user_data),
    gpus: Number(r.gpus),
    createdAt: Number(r.created_at),
    state: String(r.state) as InstanceState,
    stateAt: Number(r.state_at),
    dueAt: r.due_at === null ? null : Number(r.due_at),
    launchedAt: r.launched_at === null ? null : Number(r.launched_at),
    stuck: Number(r.stuck) === 1,
    agentSilent: Number(r.agent_silent) === 1,
    agentStatus: String(r.agent_status) as AgentStatus,
    agentNextAt: r.agent_next_at === null ? null : Number(r.agent_next_at),
    agentGen: Number(r.agent_gen),
    agentReports: Number(r.agent_reports),
    agentError: r.agent_error === null ? null : String(r.agent_error),
  };
}

/** Column order for INSERT OR REPLACE, matching `rowValues`. */
export const COLUMNS =
  "id, seq, token, params, region, instance_type, spot, tags, user_data, gpus, created_at, state, state_at, due_at, " +
  "launched_at, stuck, agent_silent, agent_status, agent_next_at, agent_gen, agent_reports, agent_error";

export function rowValues(row: InstanceRow): SqlStorageValue[] {
  return [
    row.id,
    row.seq,
    row.token,
    row.params,
    row.region,
    row.instanceType,
    row.spot ? 1 : 0,
    JSON.stringify(row.tags),
    row.userData,
    row.gpus,
    row.createdAt,
    row.state,
    row.stateAt,
    row.dueAt,
    row.launchedAt,
    row.stuck ? 1 : 0,
    row.agentSilent ? 1 : 0,
    row.agentStatus,
    row.agentNextAt,
    row.agentGen,
    row.agentReports,
    row.agentError,
  ];
}

/** The state a transitional state settles into when its delay is over. */
const SETTLES_INTO: Partial<Record<InstanceState, InstanceState>> = {
  pending: "running",
  stopping: "stopped",
  "shutting-down": "terminated",
};

/**
 * The row as it is at `now`: a transition whose time has come has happened (at its due time,
 * not at `now`). Pure; each transitional state settles in one step, so one check is enough.
 */
export function effective(row: InstanceRow, now: number): InstanceRow {
  const target = SETTLES_INTO[row.state];
  if (!target || row.dueAt === null || now < row.dueAt) return row;
  const at = row.dueAt;
  return {
    ...row,
    state: target,
    stateAt: at,
    dueAt: null,
    launchedAt: target === "running" ? at : row.launchedAt,
  };
}

/** The row moved into a new state at `now`; `delayMs` null: a stable state (or stuck). */
export function moved(row: InstanceRow, state: InstanceState, now: number, delayMs: number | null): InstanceRow {
  return { ...row, state, stateAt: now, dueAt: delayMs === null ? null : now + delayMs };
}

// Documentation address ranges (RFC 5737): never routable, so a fake address can do no harm.
const ADDRESS_BLOCKS = ["198.51.100", "203.0.113", "192.0.2"];

/** A deterministic fake public address for the instance with this sequence number. */
export function publicIpFor(seq: number): string {
  const index = (seq - 1) % (ADDRESS_BLOCKS.length * 254);
  return `${ADDRESS_BLOCKS[Math.floor(index / 254)]}.${(index % 254) + 1}`;
}

export function toInfo(row: InstanceRow): InstanceInfo {
  const addressed = row.state === "running" || row.state === "stopping";
  return {
    instanceId: row.id,
    state: row.state,
    region: row.region,
    instanceType: row.instanceType,
    spot: row.spot,
    launchedAt: row.launchedAt === null ? null : new Date(row.launchedAt),
    tags: { ...row.tags },
    publicIp: addressed ? publicIpFor(row.seq) : null,
  };
}

/** What inspect() shows: the provider's view plus the simulation's own bookkeeping. */
export interface SimulatedInstance extends InstanceInfo {
  idempotencyToken: string;
  gpus: number;
  createdAt: Date;
  stateChangedAt: Date;
  /** When the current transitional state ends; null when stable or stuck. */
  transitionDueAt: Date | null;
  stuckInPending: boolean;
  agent: { silent: boolean; status: AgentStatus; nextAt: Date | null; reports: number; lastError: string | null };
}

export function toSimulated(row: InstanceRow): SimulatedInstance {
  return {
    ...toInfo(row),
    idempotencyToken: row.token,
    gpus: row.gpus,
    createdAt: new Date(row.createdAt),
    stateChangedAt: new Date(row.stateAt),
    transitionDueAt: row.dueAt === null ? null : new Date(row.dueAt),
    stuckInPending: row.stuck,
    agent: {
      silent: row.agentSilent,
      status: row.agentStatus,
      nextAt: row.agentNextAt === null ? null : new Date(row.agentNextAt),
      reports: row.agentReports,
      lastError: row.agentError,
    },
  };
}

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A bijective 32-bit mix (lowbias32): distinct inputs give distinct outputs. */
function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, "0");

/**
 * An EC2-shaped id (`i-` + 17 hex digits), deterministic per account and sequence number:
 * unique within the account (the mix is bijective) and, all but surely, across accounts.
 */
export function instanceIdFor(account: string, seq: number): string {
  return `i-0${hex8(fnv1a(account))}${hex8(mix32(seq))}`;
}

/** A deterministic 32-bit number for the instance and a purpose (PIN, synthetic activity). */
export function derived(instanceId: string, purpose: string): number {
  return mix32(fnv1a(`${instanceId}:${purpose}`));
}
