// Which VM events become tenant webhooks: an event that moved the VM to running, failed or
// stopped becomes `vm.running`, `vm.failed` or `vm.stopped`, with the id `${type}:${vmId}:${seq}`
// (the same event always maps to the same id, so re-emitting after a retried flush is a no-op).
// Pure: the VmActor's outbox flush emits what this returns.
import type { VmEventRecord } from "../../store/types";
import type { WebhookEvent, WebhookEventType } from "../../webhooks/events";
import type { VmSpec } from "./state";

const WEBHOOK_OF_STATE: Record<string, WebhookEventType> = {
  running: "vm.running",
  failed: "vm.failed",
  stopped: "vm.stopped",
};

type SpecPart = Pick<VmSpec, "vmId" | "region" | "playerId" | "sessionId"> & { provider: { id: string } };

/** The webhook events for `events` (in order), one per event that entered running, failed or stopped. */
export function webhookEventsOf(spec: SpecPart, events: readonly VmEventRecord[]): WebhookEvent[] {
  const out: WebhookEvent[] = [];
  for (const event of events) {
    if (event.toState === null || event.toState === event.fromState) continue;
    const type = WEBHOOK_OF_STATE[event.toState];
    if (!type) continue;
    const reason = event.data?.reason;
    out.push({
      id: `${type}:${spec.vmId}:${event.seq}`,
      type,
      at: new Date(event.at).toISOString(),
      data: {
        vmId: spec.vmId,
        state: event.toState,
        provider: spec.provider.id,
        region: spec.region,
        playerId: spec.playerId,
        sessionId: spec.sessionId,
        // failed: the failure reason; stopped: why it was stopped (a limit, or `requested`), when known.
        ...(typeof reason === "string" ? { reason } : {}),
      },
    });
  }
  return out;
}
