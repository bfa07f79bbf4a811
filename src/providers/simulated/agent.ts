// The simulated in-VM agent: what the real agent on a VM would send to the API (streaming host
// ready, then heartbeats), sent by the SimulatedCloud straight to the VM's actor over RPC.
import {
  AGENT_TOKEN_VAR,
  AGENT_VM_VAR,
  type AgentActivity,
  type AgentAnswer,
  type StreamingEndpoint,
} from "../../actors/agent-types";
import { derived } from "./instances";

/** The user-data line naming the VM's streaming host (`sunshine` when absent). */
export const STREAMING_HOST_VAR = "GP_STREAMING_HOST";

/** Sunshine's ports: 47984 (HTTPS), 47989 (HTTP), 48010 (RTSP). */
export const SUNSHINE_PORTS = [47984, 47989, 48010];

/** The longest one agent call may take before it counts as failed (retried later). */
export const AGENT_CALL_TIMEOUT_MS = 10_000;

/** The VmActor's agent methods, as the simulated agent calls them. */
export interface AgentTarget {
  agentReady(token: string, endpoint: StreamingEndpoint): Promise<AgentAnswer>;
  heartbeat(token: string, activity: AgentActivity): Promise<AgentAnswer>;
}

/** Reads `NAME=value` from user data (shell or cloud-init text; `export` and quotes allowed). */
export function userDataVar(userData: string, name: string): string | null {
  for (const line of userData.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const raw = (match[2] ?? "").trim();
    const quoted = /^(["'])(.*)\1$/.exec(raw);
    const value = quoted ? (quoted[2] ?? "") : raw;
    return value === "" ? null : value;
  }
  return null;
}

export interface AgentIdentity {
  token: string;
  vmId: string;
  protocol: StreamingEndpoint["protocol"];
}

/** The agent's token and VM id from user data; null when either is missing. */
export function agentIdentity(userData: string): AgentIdentity | null {
  const token = userDataVar(userData, AGENT_TOKEN_VAR);
  const vmId = userDataVar(userData, AGENT_VM_VAR);
  if (!token || !vmId) return null;
  const host = userDataVar(userData, STREAMING_HOST_VAR);
  return { token, vmId, protocol: host === "wolf" ? "wolf" : "sunshine" };
}

export function streamingEndpoint(
  instanceId: string,
  publicIp: string,
  protocol: StreamingEndpoint["protocol"],
): StreamingEndpoint {
  const pin = (derived(instanceId, "pin") % 10_000).toString().padStart(4, "0");
  return { host: publicIp, ports: [...SUNSHINE_PORTS], protocol, pairing: { pin } };
}

/** Synthetic activity for one heartbeat period: one player, some input, a 20 Mbit/s stream. */
export function syntheticActivity(instanceId: string, beat: number, intervalMs: number): AgentActivity {
  const seconds = Math.max(intervalMs, 1) / 1000;
  const jitter = derived(instanceId, `beat:${beat}`);
  return {
    connectedClients: 1,
    inputEvents: Math.max(1, Math.round(seconds * (20 + (jitter % 40)))),
    txBytes: Math.round(seconds * 2_500_000 * (0.9 + (jitter % 200) / 1000)),
  };
}

/** How an agent call went: `refused` ends the agent (401/404), `retry` tries again later. */
export type AgentOutcome = { kind: "ok" } | { kind: "refused"; message: string } | { kind: "retry"; message: string };

/** Makes one agent call; never throws. */
export async function callAgent(call: () => Promise<AgentAnswer>): Promise<AgentOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${AGENT_CALL_TIMEOUT_MS} ms`)), AGENT_CALL_TIMEOUT_MS);
    });
    const answer = await Promise.race([call(), timeout]);
    if (answer?.ok) return { kind: "ok" };
    const status = answer?.status;
    const message = `${status ?? "?"} ${answer?.message ?? "unexpected answer"}`;
    return status === 401 || status === 404 ? { kind: "refused", message } : { kind: "retry", message };
  } catch (error) {
    return { kind: "retry", message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
