// GET /vms (the Store's index, filtered and paginated) and GET /vms/{id} (from the VM's actor).
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { VmState } from "../../domain/lifecycle";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { PageQuerySchema } from "../../http/pagination";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import type { VmRecord } from "../../store/types";
import { PlayerIdSchema } from "../config/schema";
import { VmIdParamSchema, VmPageSchema, VmSchema, VmStateSchema } from "./schema";

/** Provider ids and region codes are slugs in the catalog (src/domain/catalog/schema.ts). */
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

const listVms = createRoute({
  method: "get",
  path: "/vms",
  operationId: "listVms",
  tags: ["vms"],
  summary: "List VMs",
  description:
    "The tenant's VMs from the system of record, ordered by id (creation order), filtered by state, provider, region or " +
    "player. It trails each VM's actor by a moment; `GET /vms/{id}` is authoritative. Scope `operator`.",
  ...guarded({ scopes: ["operator"] }),
  request: {
    query: PageQuerySchema.extend({
      state: VmStateSchema.optional(),
      provider: z
        .string()
        .regex(SLUG, "must be a provider id")
        .optional()
        .openapi({ description: "Only VMs on this provider", example: "simulated" }),
      region: z
        .string()
        .regex(SLUG, "must be a region code")
        .optional()
        .openapi({ description: "Only VMs in this region", example: "eu-central-1" }),
      player: PlayerIdSchema.optional(),
    }),
  },
  responses: {
    200: { description: "A page of VMs", content: { "application/json": { schema: VmPageSchema } } },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

const getVm = createRoute({
  method: "get",
  path: "/vms/{id}",
  operationId: "getVm",
  tags: ["vms"],
  summary: "Get a VM",
  description:
    "The VM's current state from its actor (authoritative), its streaming endpoint while running, and step timings. Scope `operator`.",
  ...guarded({ scopes: ["operator"] }),
  request: { params: VmIdParamSchema },
  responses: {
    200: { description: "The VM", content: { "application/json": { schema: VmSchema } } },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

const summary = (vm: VmRecord) => ({
  id: vm.id,
  state: vm.state as VmState,
  provider: vm.provider,
  region: vm.region,
  instanceType: vm.instanceType,
  emulatorId: vm.emulatorId,
  playerId: vm.playerId,
  sessionId: vm.sessionId,
  providerInstanceId: vm.providerInstanceId,
  failureReason: vm.failureReason,
  createdAt: vm.createdAt.toISOString(),
  updatedAt: vm.updatedAt.toISOString(),
});

export function registerReads(router: OpenAPIHono<AppEnv>): void {
  router.openapi(listVms, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const { cursor, limit, state, provider, region, player } = c.req.valid("query");
    const page = await c
      .get("services")
      .store.listVms(tenantId, { state, provider, region, playerId: player }, { cursor, limit });
    return c.json({ items: page.items.map(summary), nextCursor: page.nextCursor }, 200);
  });
  router.openapi(getVm, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const view = await c.get("services").vmActors(c.req.valid("param").id).get(tenantId);
    if (!view) throw new ApiError("NOT_FOUND", "No such VM in this tenant.");
    return c.json(view, 200);
  });
}
