// GET /config/regions and GET /config/instance-types: read-only views derived from the catalog.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { eligibleOffers } from "../../../domain/catalog/eligibility";
import { enabledRegions } from "../../../domain/catalog/regions";
import { GpuSchema, MicrosSchema, SlugSchema } from "../../../domain/catalog/schema";
import { ApiError } from "../../../http/errors";
import { errorResponses } from "../../../http/responses";
import type { AppEnv } from "../../../http/types";
import { catalogAccess, ETAG_HEADER, tenantCatalog, withEtag } from "./shared";

const RegionEntrySchema = z
  .object({
    provider: z.string().openapi({ example: "simulated" }),
    providerKind: z.enum(["simulated", "aws"]),
    code: z.string().openapi({ example: "eu-central-1" }),
    city: z.string().openapi({ example: "Frankfurt" }),
    country: z.string().openapi({ example: "DE" }),
    lat: z.number().openapi({ example: 50.1109 }),
    lon: z.number().openapi({ example: 8.6821 }),
    beaconUrl: z.string().nullable(),
    instanceTypes: z.array(z.string()).openapi({ example: ["g4dn.xlarge", "g5.xlarge"] }),
  })
  .openapi("RegionEntry");

const OfferSchema = z
  .object({
    provider: z.string().openapi({ example: "simulated" }),
    providerKind: z.enum(["simulated", "aws"]),
    region: z.string().openapi({ example: "eu-central-1" }),
    city: z.string(),
    country: z.string(),
    lat: z.number(),
    lon: z.number(),
    instanceType: z.string().openapi({ example: "g4dn.xlarge" }),
    vcpu: z.number(),
    ramGb: z.number(),
    gpu: GpuSchema.nullable(),
    onDemandHourlyMicros: MicrosSchema,
    spotHourlyMicros: MicrosSchema.nullable(),
    image: z.string().openapi({ description: "The image this emulator boots there", example: "sim-image-pcsx2" }),
    diskGb: z.number(),
    diskGbMonthMicros: MicrosSchema,
    quota: z.object({ maxInstances: z.number(), maxGpus: z.number() }).nullable(),
  })
  .openapi("InstanceTypeOffer");

const listRegions = createRoute({
  method: "get",
  path: "/config/regions",
  operationId: "listRegions",
  tags: ["config"],
  summary: "List enabled regions",
  description:
    "Every enabled region of every enabled provider, with its coordinates and the instance types it offers: the world " +
    "placement chooses from. Scope `operator`.",
  ...catalogAccess(),
  responses: {
    200: {
      description: "The regions",
      headers: ETAG_HEADER,
      content: { "application/json": { schema: z.object({ items: z.array(RegionEntrySchema) }).openapi("RegionList") } },
    },
    ...errorResponses(401, 403, 429, 503),
  },
});

const listInstanceTypes = createRoute({
  method: "get",
  path: "/config/instance-types",
  operationId: "listInstanceTypes",
  tags: ["config"],
  summary: "Instance types that can run an emulator",
  description:
    "Every (provider, region, instance type) that satisfies the emulator's needs (GPU, VRAM, encoder, vCPU, RAM), where it " +
    "has an image and the tenant policy allows the provider, cheapest first. Scope `operator`.",
  ...catalogAccess(),
  request: {
    query: z.object({
      emulator: SlugSchema.openapi({ description: "Emulator profile id", example: "pcsx2" }),
      spot: z
        .enum(["true", "false"])
        .default("false")
        .transform((v) => v === "true")
        .openapi({ description: "Only spot offers, by spot price", example: "false" }),
    }),
  },
  responses: {
    200: {
      description: "Eligible offers, cheapest first",
      headers: ETAG_HEADER,
      content: { "application/json": { schema: z.object({ items: z.array(OfferSchema) }).openapi("InstanceTypeOfferList") } },
    },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

export function registerViews(router: OpenAPIHono<AppEnv>): void {
  router.openapi(listRegions, async (c) => {
    const { version, catalog } = await tenantCatalog(c);
    withEtag(c, version);
    return c.json({ items: enabledRegions(catalog) }, 200);
  });
  router.openapi(listInstanceTypes, async (c) => {
    const { emulator, spot } = c.req.valid("query");
    const { version, catalog } = await tenantCatalog(c);
    const offers = eligibleOffers(catalog, emulator, { spot });
    if (offers === null) throw new ApiError("NOT_FOUND", `No emulator profile "${emulator}" in this tenant's configuration.`);
    withEtag(c, version);
    return c.json({ items: offers }, 200);
  });
}
