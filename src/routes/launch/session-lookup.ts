// Which player actor holds a session: a player's own; for operators the `player` query
// parameter, or the Store's index of sessions.
import type { Context } from "hono";
import type { PlayerActorClient } from "../../actors/player/client";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import type { AppEnv } from "../../http/types";

export async function sessionActor(
  c: Context<AppEnv>,
  sessionId: string,
  player: string | undefined,
): Promise<PlayerActorClient> {
  const principal = tenantPrincipal(c);
  const services = c.get("services");
  let playerId = principal.kind === "player-jwt" || principal.scopes.includes("player") ? principal.playerId : (player ?? null);
  if (!playerId) playerId = (await services.store.getSession(principal.tenantId, sessionId))?.playerId ?? null;
  if (!playerId) throw new ApiError("NOT_FOUND", "No such session in this tenant.");
  return services.playerActors(principal.tenantId, playerId);
}

export function links(sessionId: string, vmId: string | null) {
  return { self: `/launch/${sessionId}`, events: `/launch/${sessionId}/events`, vm: vmId ? `/vms/${vmId}` : null };
}
