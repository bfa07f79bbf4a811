// What the in-VM agent reports, and what the VM actor answers it. Shared by the agent routes,
// the VmActor and the simulated cloud's agent.

/** Where the player's client connects to the VM's streaming host, and how it pairs. */
export interface StreamingEndpoint {
  host: string;
  /** e.g. Sunshine: 47984 (HTTPS), 47989 (HTTP), 48010 (RTSP) */
  ports: number[];
  protocol: "sunshine" | "wolf";
  /** Pairing data the launcher needs (PIN, certificate fingerprint); never a secret of ours. */
  pairing: Record<string, string>;
}

/** Activity since the previous heartbeat; a VM nobody uses is idle. */
export interface AgentActivity {
  connectedClients: number;
  inputEvents: number;
  txBytes: number;
}

/** The actor's answer to an agent call (HTTP status the agent route returns). */
export type AgentAnswer = { ok: true } | { ok: false; status: 401 | 404 | 409; message: string };

/** The user-data line that hands the agent its token (read by the agent, and the simulated one). */
export const AGENT_TOKEN_VAR = "GP_AGENT_TOKEN";
export const AGENT_VM_VAR = "GP_VM_ID";
export const AGENT_API_VAR = "GP_API_URL";
