// ENVIRONMENT=development seeds the demo tenant with the admin and player keys from .dev.vars.
import { describe, expect, it } from "vitest";
import { expectProblem } from "../support/http";
import { probeApp } from "../support/probe-app";
import { jsonRequest } from "../support/tenants";

const ADMIN = "gpk_devadmin000000000000000000_DevelopmentOnlyAdminKey0123456789ab";
const PLAYER = "gpk_devplayer00000000000000000_DevelopmentOnlyPlayerKey012345678";
const dev = { ENVIRONMENT: "development", DEV_ADMIN_API_KEY: ADMIN, DEV_PLAYER_API_KEY: PLAYER };
const app = probeApp();

describe("development seed", () => {
  it("creates the demo tenant and both keys, idempotently", async () => {
    const me = await app.fetch("/config/tenant", jsonRequest("GET", ADMIN), dev);
    expect(me.status, await me.clone().text()).toBe(200);
    expect(await me.json()).toMatchObject({ id: "ten_demo", name: "Demo tenant" });

    const keys = (await (await app.fetch("/config/api-keys", jsonRequest("GET", ADMIN), dev)).json()) as {
      items: { scopes: string[]; playerId: string | null }[];
    };
    expect(keys.items.map((k) => [k.scopes, k.playerId])).toEqual(
      expect.arrayContaining([
        [["admin"], null],
        [["player"], "player-demo"],
      ]),
    );
    expect(keys.items).toHaveLength(2);

    const whoami = await app.fetch("/__probe/whoami", jsonRequest("GET", PLAYER), dev);
    expect(await whoami.json()).toMatchObject({ kind: "api-key", tenantId: "ten_demo", playerId: "player-demo" });
  });

  it("does not happen outside development", async () => {
    const fresh = await app.fetch(
      "/config/tenant",
      jsonRequest("GET", "gpk_zzzzzzzzzzzzzzzzzzzzzzzzzz_DevelopmentOnlyAdminKey0123456789ab"),
      {
        ENVIRONMENT: "production",
        DEV_ADMIN_API_KEY: "gpk_zzzzzzzzzzzzzzzzzzzzzzzzzz_DevelopmentOnlyAdminKey0123456789ab",
      },
    );
    await expectProblem(fresh, 401, "UNAUTHENTICATED");
  });
});
