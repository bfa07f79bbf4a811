// The `session.ended` webhook of a session that ended or failed (null while it is live). Its id is
// `session.ended:${sessionId}`, so re-emitting after a retried outbox flush is a no-op. Pure.
import type { WebhookEvent } from "../../webhooks/events";
import type { Session } from "./state";

export function sessionEndedEvent(session: Session): WebhookEvent | null {
  if (session.state !== "ended" && session.state !== "failed") return null;
  const endedAt = new Date(session.endedAt ?? session.createdAt).toISOString();
  return {
    id: `session.ended:${session.id}`,
    type: "session.ended",
    at: endedAt,
    data: {
      sessionId: session.id,
      playerId: session.playerId,
      vmId: session.vmId,
      state: session.state,
      reason: session.endReason ?? session.failureReason ?? null,
      endedAt,
    },
  };
}
