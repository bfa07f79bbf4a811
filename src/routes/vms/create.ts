// POST /vms (operator): create a VM on a provider for an emulator; 202 + Location. With an
// Idempotency-Key the VM id is derived from it, so a retried request reaches the same VM.
import { createRoute, type RouteHandler, z } from "@hono/zod-openapi";
import { limitsOf } from "../../actors/vm/limits";
import { DEFAULT_TIMEOUTS } from "../../actors/vm/timing";
import { sha256Hex } from "../../auth/tokens";
import { admitLaunch } from "../../billing/admission";
import { loadCatalog } from "../../catalog/tenant-catalog";
import { eligibleOffers } from "../../domain/catalog/eligibility";
import type { TenantCatalog } from "../../domain/catalog/schema";
import { newId } from "../../domain/ids";
import { ApiError } from "../../http/errors";
import { idempotencyKeyHeader } from "../../http/idempotency";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { validationError } from "../../http/validation";
import { PlayerIdSchema } from "../config/schema";
import { VmSchema } from "./schema";

const CreateVmBody = z
  .strictObject({
    emulator: z.string().min(1).max(63).openapi({ description: "Emulator profile id", example: "pcsx2" }),
    provider: z.string().min(1).max(63).openapi({ example: "simulated" }),
    region: z.string().min(1).max(63).openapi({ example: "eu-central-1" }),
    instanceType: z.string().min(1).max(63).openapi({ example: "g4dn.xlarge" }),
    spot: z.boolean().default(false).openapi({ description: "Use spot capacity (the tenant policy must allow it)" }),
    playerId: PlayerIdSchema.optional().openapi({ description: "The player this VM serves, if any" }),
  })
  .openapi("CreateVm");

const IdempotencyHeaders = idempotencyKeyHeader("Retrying with the same key returns the same VM instead of creating another");

export const createVmRoute = createRoute({
  method: "post",
  path: "/vms",
  operationId: "createVm",
  tags: ["vms"],
  summary: "Create a VM",
  description:
    "Accepts a VM for an emulator on a provider, region and instance type from the tenant's catalog and starts creating " +
    "it asynchronously (202; poll `GET /vms/{id}` or its events). The instance type must meet the emulator's needs and the " +
    "emulator must have an image there. `Idempotency-Key` makes retries safe: the same key returns the same VM (a " +
    "different request with a used key is a 409). Refused with 402 when a budget in scope has less left than the VM's " +
    "hourly price for the policy's `minSessionMinutes`. Scope `operator`.",
  ...guarded({ scopes: ["operator"] }),
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: CreateVmBody } } },
  },
  responses: {
    202: {
      description: "Accepted (or the VM this Idempotency-Key already created)",
      content: { "application/json": { schema: VmSchema } },
    },
    ...errorResponses(400, 401, 402, 403, 409, 413, 415, 429, 503),
  },
});

export const createVm: RouteHandler<typeof createVmRoute, AppEnv> = async (c) => {
  const { tenantId } = tenantPrincipal(c);
  const body = c.req.valid("json");
  const { catalog } = await loadCatalog(c.get("services").store, tenantId);
  const offer = pickOffer(catalog, body);
  const emulator = catalog.emulators.find((e) => e.id === body.emulator);
  const provider = catalog.providers.find((p) => p.id === body.provider);
  if (!emulator || !provider) throw new Error("offer without its emulator or provider"); // pickOffer checked both

  const key = c.req.valid("header")["idempotency-key"];
  const vmId = key ? `vm_${(await sha256Hex(`${tenantId}\n${key}`)).slice(0, 26)}` : newId("vm");
  const requestHash = await sha256Hex(JSON.stringify(body));
  const { store, budgets, vmActors } = c.get("services");
  // A retry of an accepted create returns its VM whatever the budget says since.
  const retried = key ? (await vmActors(vmId).get(tenantId)) !== null : false;
  if (!retried) {
    await admitLaunch({
      store,
      budgets,
      tenantId,
      playerId: body.playerId ?? null,
      hourlyPriceMicros: body.spot ? (offer.spotHourlyMicros ?? offer.onDemandHourlyMicros) : offer.onDemandHourlyMicros,
      minSessionMinutes: catalog.policy.minSessionMinutes,
    });
  }
  const answer = await c
    .get("services")
    .vmActors(vmId)
    .create({
      vmId,
      tenantId,
      provider,
      region: offer.region,
      instanceType: offer.instanceType,
      emulatorId: emulator.id,
      streamingHost: emulator.streamingHost,
      image: offer.image,
      diskGb: offer.diskGb,
      spot: body.spot,
      playerId: body.playerId ?? null,
      sessionId: null,
      apiUrl: new URL(c.req.url).origin,
      requestHash,
      timeouts: DEFAULT_TIMEOUTS,
      limits: limitsOf(catalog.policy),
    });
  if (!answer.sameRequest) {
    throw new ApiError("CONFLICT", "This Idempotency-Key was already used for a different request.");
  }
  if (answer.created) c.get("log").info("vm accepted", { vmId, provider: provider.id, region: offer.region });
  return c.json(answer.view, 202, { Location: `/vms/${vmId}` });
};

/** The catalog offer the request names, or a 400 naming the first field that rules it out. */
function pickOffer(catalog: TenantCatalog, body: z.infer<typeof CreateVmBody>) {
  const emulator = catalog.emulators.find((e) => e.id === body.emulator);
  if (!emulator?.enabled) throw invalid("emulator", `no enabled emulator profile "${body.emulator}"`);
  const provider = catalog.providers.find((p) => p.id === body.provider);
  if (!provider?.enabled) throw invalid("provider", `no enabled provider "${body.provider}"`);
  if (body.spot && !catalog.policy.spotAllowed) throw invalid("spot", "the tenant policy does not allow spot capacity");
  const offers = eligibleOffers(catalog, emulator.id, { providers: [provider.id], spot: body.spot }) ?? [];
  if (offers.length === 0) throw invalid("provider", `"${provider.id}" is not allowed or cannot run "${emulator.id}"`);
  const inRegion = offers.filter((o) => o.region === body.region);
  if (inRegion.length === 0)
    throw invalid("region", `"${body.region}" has no eligible instance type for "${emulator.id}" on "${provider.id}"`);
  const offer = inRegion.find((o) => o.instanceType === body.instanceType);
  if (!offer) {
    const names = inRegion.map((o) => o.instanceType).join(", ");
    throw invalid("instanceType", `"${body.instanceType}" cannot run "${emulator.id}" in ${body.region}; eligible: ${names}`);
  }
  return offer;
}

function invalid(field: string, message: string) {
  return validationError("body", [{ code: "custom", path: [field], message, input: undefined }]);
}
