// GET /launch/beacons: the regions a launcher should ping before launching, with their beacon
// URLs. Measured pings sent with a launch win over the model's estimates.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { loadCatalog } from "../../catalog/tenant-catalog";
import { enabledRegions } from "../../domain/catalog/regions";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";

const BeaconSchema = z
  .object({
    provider: z.string().openapi({ example: "aws" }),
    region: z.string().openapi({ example: "eu-west-3" }),
    city: z.string().openapi({ example: "Paris" }),
    url: z.string().openapi({ example: "https://ping-eu-west-3.example.net/" }),
  })
  .openapi("Beacon");

const listBeacons = createRoute({
  method: "get",
  path: "/launch/beacons",
  operationId: "listBeacons",
  tags: ["launch"],
  summary: "Regions to ping",
  description:
    "Every enabled region whose provider entry has a ping beacon, with its URL. Send the measured round trips as " +
    "`pings` with the launch: they override the estimate. Scopes `player`, `operator`.",
  ...guarded({ scopes: ["player", "operator"] }),
  responses: {
    200: {
      description: "The beacons",
      content: { "application/json": { schema: z.object({ items: z.array(BeaconSchema) }).openapi("BeaconList") } },
    },
    ...errorResponses(401, 403, 429, 503),
  },
});

export function registerBeacons(router: OpenAPIHono<AppEnv>): void {
  router.openapi(listBeacons, async (c) => {
    const { catalog } = await loadCatalog(c.get("services").store, tenantPrincipal(c).tenantId);
    const items = enabledRegions(catalog)
      .filter((r) => r.beaconUrl !== null)
      .map((r) => ({ provider: r.provider, region: r.code, city: r.city, url: r.beaconUrl as string }));
    return c.json({ items }, 200);
  });
}
