// The cloud-init user data every VM boots with: it installs the agent's settings (API URL,
// VM id, a per-VM token) and starts the emulator's streaming host and the agent. The agent then
// calls POST /vms/{id}/agent/ready and /heartbeat with that token.
import { AGENT_API_VAR, AGENT_TOKEN_VAR, AGENT_VM_VAR } from "../agent-types";

export interface UserDataInput {
  apiUrl: string;
  vmId: string;
  agentToken: string;
  streamingHost: "sunshine" | "wolf";
  emulatorId: string;
}

export function cloudInit(input: UserDataInput): string {
  const service = input.streamingHost === "wolf" ? "wolf" : "sunshine";
  return [
    "#cloud-config",
    "write_files:",
    "  - path: /etc/gamer-provisioner/agent.env",
    '    permissions: "0600"',
    "    content: |",
    `      ${AGENT_API_VAR}=${input.apiUrl}`,
    `      ${AGENT_VM_VAR}=${input.vmId}`,
    `      ${AGENT_TOKEN_VAR}=${input.agentToken}`,
    `      GP_STREAMING_HOST=${input.streamingHost}`,
    `      GP_EMULATOR=${input.emulatorId}`,
    "runcmd:",
    `  - [systemctl, enable, --now, ${service}]`,
    "  - [systemctl, enable, --now, gamer-provisioner-agent]",
    "",
  ].join("\n");
}
