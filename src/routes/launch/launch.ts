// POST /launch: a player asks to play. Placement at the edge (cached catalog, pure ranking),
// then one call to the player's actor, which resumes, warm-starts or creates, idempotently.
// POST /launch/preview: the same placement with no side effects.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { limitsOf } from "../../actors/vm/limits";
import { sha256Hex } from "../../auth/tokens";
import { admitLaunch } from "../../billing/admission";
import { loadCatalog } from "../../catalog/tenant-catalog";
import { ApiError } from "../../http/errors";
import { idempotencyKeyHeader } from "../../http/idempotency";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { validationError } from "../../http/validation";
import { recordPings } from "../../latency/learned";
import { assertFeasible, explain, launchCandidates, place, playerLocation } from "./placement";
import { LaunchBodySchema, PlacementSchema, SessionSchema } from "./schema";
import { links } from "./session-lookup";

const IdempotencyHeaders = idempotencyKeyHeader("The same key returns the same session (a different request with it is a 409)");

const launchRoute = createRoute({
  method: "post",
  path: "/launch",
  operationId: "launch",
  tags: ["launch"],
  summary: "Launch (or resume) a game session",
  description:
    "Places the player (or party) on the best feasible region for latency, then price, from `request.cf` or the given " +
    "location and measured pings, and starts a session there: a live session for the same emulator is resumed, a stopped " +
    "VM of the player in an acceptable region is started (warm), otherwise a VM is created, falling back to the next " +
    "region on capacity or quota errors. Answers 202 at once; follow `links.events` (SSE) or poll `links.self` until " +
    "`playable`. One live session per player (tenant policy). Refused with 402 `BUDGET_EXCEEDED` when a budget covering " +
    "the player has less left than the chosen offer's hourly price for the policy's `minSessionMinutes`. Scopes `player` (for itself) or `operator` (naming " +
    "`playerId`).",
  ...guarded({ scopes: ["player", "operator"] }),
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: LaunchBodySchema } } },
  },
  responses: {
    202: {
      description: "The session (new, resumed or the one this Idempotency-Key created)",
      content: { "application/json": { schema: SessionSchema } },
    },
    ...errorResponses(400, 401, 402, 403, 409, 413, 415, 429, 503),
  },
});

const previewRoute = createRoute({
  method: "post",
  path: "/launch/preview",
  operationId: "previewLaunch",
  tags: ["launch"],
  summary: "Preview a launch's placement",
  description:
    "The placement `POST /launch` would use, with the alternatives and the reasons for the rest; nothing is started. Scopes `player`, `operator`.",
  ...guarded({ scopes: ["player", "operator"] }),
  request: { body: { required: true, content: { "application/json": { schema: LaunchBodySchema } } } },
  responses: {
    200: { description: "The placement", content: { "application/json": { schema: PlacementSchema } } },
    ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503),
  },
});

/** The player the launch is for: a player credential's own, or the one an operator names. */
function playerOf(c: Context<AppEnv>, requested: string | undefined): string {
  const principal = tenantPrincipal(c);
  const own = principal.kind === "player-jwt" || principal.scopes.includes("player") ? principal.playerId : null;
  if (own) {
    if (requested && requested !== own)
      throw new ApiError("FORBIDDEN", "A player credential can only launch for its own player.");
    return own;
  }
  if (!requested)
    throw validationError("body", [
      { code: "custom", path: ["playerId"], message: "is required when an operator launches", input: undefined },
    ]);
  return requested;
}

export function registerLaunch(router: OpenAPIHono<AppEnv>): void {
  router.openapi(launchRoute, async (c) => {
    const body = c.req.valid("json");
    const { tenantId } = tenantPrincipal(c);
    const playerId = playerOf(c, body.playerId);
    const { catalog } = await loadCatalog(c.get("services").store, tenantId);
    const placement = place(c, catalog, body, tenantId);
    assertFeasible(placement);
    const emulator = catalog.emulators.find((e) => e.id === body.emulator);
    const candidates = launchCandidates(catalog, placement);
    const { store, budgets, playerActors } = c.get("services");
    const actor = playerActors(tenantId, playerId);
    const idempotencyKey = c.req.valid("header")["idempotency-key"] ?? null;
    const requestHash = await sha256Hex(JSON.stringify(body));
    try {
      await admitLaunch({
        store,
        budgets,
        tenantId,
        playerId,
        hourlyPriceMicros: candidates[0]?.hourlyPriceMicros ?? 0,
        minSessionMinutes: catalog.policy.minSessionMinutes,
      });
    } catch (error) {
      // A replayed Idempotency-Key or a resumed live session costs nothing new: the actor answers
      // with the existing session. (Asked only on a refusal, so the hot path pays nothing for it.)
      const existing =
        error instanceof ApiError &&
        error.code === "BUDGET_EXCEEDED" &&
        (await actor.answersWithExisting({ idempotencyKey, requestHash, emulatorId: body.emulator }));
      if (!existing) throw error;
    }
    const answer = await actor.launch({
      tenantId,
      playerId,
      emulatorId: body.emulator,
      streamingHost: emulator?.streamingHost ?? "sunshine",
      game: body.game,
      candidates,
      acceptableRegions: candidates.map((cand) => `${cand.provider.id}:${cand.region}`),
      idempotencyKey,
      requestHash,
      apiUrl: new URL(c.req.url).origin,
      maxActiveSessions: catalog.policy.maxSessionsPerPlayer,
      limits: limitsOf(catalog.policy),
      placement: explain(placement),
    });
    if (!answer.ok) throw new ApiError(answer.status === 404 ? "NOT_FOUND" : "CONFLICT", answer.message);
    if (answer.created) {
      c.get("log").info("launch accepted", { sessionId: answer.view.id, region: answer.view.region, warm: answer.view.warm });
      // The pings teach placement about this place (written after the response).
      const { store, waitUntil } = c.get("services");
      recordPings(store, tenantId, answer.view.id, playerLocation(c, body), body.pings, waitUntil);
    }
    return c.json({ ...answer.view, links: links(answer.view.id, answer.view.vmId) }, 202, {
      Location: `/launch/${answer.view.id}`,
    });
  });

  router.openapi(previewRoute, async (c) => {
    const body = c.req.valid("json");
    playerOf(c, body.playerId);
    const { tenantId } = tenantPrincipal(c);
    const { catalog } = await loadCatalog(c.get("services").store, tenantId);
    const placement = place(c, catalog, body, tenantId);
    assertFeasible(placement);
    return c.json(explain(placement), 200);
  });
}
