// How the Worker reaches VM actors: one Durable Object per VM, named by the VM id.
import type { AgentActivity, AgentAnswer, StreamingEndpoint } from "../agent-types";
import type { VmView } from "./state";
import type { CheckAnswer, CommandAnswer, CreateAnswer, CreateVmInput, EventsPage, SweepAnswer, VmActor } from "./vm-actor";

/** The actor's RPC surface, as the Worker uses it. */
export interface VmActorClient {
  create(input: CreateVmInput): Promise<CreateAnswer>;
  get(tenantId: string): Promise<VmView | null>;
  command(tenantId: string, type: "start" | "stop" | "terminate"): Promise<CommandAnswer>;
  events(tenantId: string, afterSeq: number, limit: number): Promise<EventsPage | null>;
  agentReady(token: string, endpoint: StreamingEndpoint): Promise<AgentAnswer>;
  heartbeat(token: string, activity: AgentActivity): Promise<AgentAnswer>;
  /** Applies the idle/lifetime limits at `now` (default: the actor's clock); stops the VM if one is reached. */
  sweep(tenantId: string, now?: number): Promise<SweepAnswer | null>;
  /** Asks the provider about the instance now (running/stopped/starting/stopping); a vanished one fails the VM. */
  checkInstance(tenantId: string): Promise<CheckAnswer | null>;
}

export type VmActors = (vmId: string) => VmActorClient;

export function vmActors(namespace: DurableObjectNamespace<VmActor>): VmActors {
  // The stub's generated RPC types map results recursively; the interface above is the contract.
  return (vmId) => namespace.get(namespace.idFromName(vmId)) as unknown as VmActorClient;
}
