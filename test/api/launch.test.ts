// /launch end to end on the simulated cloud: placement, playable sessions, resume, one active
// session per player, idempotency under concurrency, end and warm start, fallback, preview.
import { describe, expect, it } from "vitest";
import { SessionSchema } from "../../src/routes/launch/schema";
import { call, expectProblem } from "../support/http";
import { LAUNCH, launch, PARIS, playerKey, waitForSession } from "../support/launch";
import { createTenant, jsonRequest } from "../support/tenants";
import { cloudStub, fastCloud, vmStub } from "../support/vms";

describe("POST /launch", () => {
  it("places the player near them and reports the session playable", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "p-paris");
    const { res, body } = await launch(token);
    expect(res.status, JSON.stringify(body)).toBe(202);
    const session = SessionSchema.parse(body);
    const placement = session.placement as {
      chosen: { region: string } | null;
      alternatives: unknown[];
      locationSources: string[];
    };
    expect(res.headers.get("location")).toBe(`/launch/${session.id}`);
    expect(placement.chosen?.region).toBe("eu-west-3"); // Paris
    expect(placement.locationSources).toEqual(["explicit"]);
    expect(placement.alternatives.length).toBeGreaterThan(0);
    const playable = await waitForSession(t, token, "p-paris", session.id, "playable");
    expect(playable.endpoint?.host).toBeTruthy();
    expect(playable.timeToPlayableMs).toBeGreaterThanOrEqual(0);
    expect(playable.links.vm).toBe(`/vms/${playable.vmId}`);
  }, 30_000);

  it("resumes the player's live session instead of creating another, and allows one active session", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "p-one");
    const first = await launch(token);
    const again = await launch(token);
    expect(again.res.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const other = await call("/launch", jsonRequest("POST", token, { ...LAUNCH, emulator: "dolphin" }));
    const problem = await expectProblem(other, 409, "CONFLICT");
    expect(problem.detail).toContain(first.body.id);
  });

  it("gives one session and one VM for concurrent launches, and the same session for the same Idempotency-Key", async () => {
    const t = await createTenant();
    const cloud = await fastCloud(t.id);
    const token = await playerKey(t, "p-many");
    // The per-player rate limit is 20 a minute in tests: 15 + 2 + 1 requests stay under it.
    const burst = await Promise.all(Array.from({ length: 15 }, () => launch(token)));
    expect(burst.every((l) => l.res.status === 202)).toBe(true);
    expect(new Set(burst.map((l) => l.body.id)).size).toBe(1);
    await waitForSession(t, token, "p-many", burst[0]?.body.id as string, "playable");
    expect(((await cloud.inspect()) as unknown[]).length).toBe(1);
    const keyed = [
      await launch(token, LAUNCH, { "idempotency-key": "same-click" }),
      await launch(token, LAUNCH, { "idempotency-key": "same-click" }),
    ];
    expect(keyed.map((l) => l.body.id)).toEqual([burst[0]?.body.id, burst[0]?.body.id]);
    const reused = await call(
      "/launch",
      jsonRequest("POST", token, { ...LAUNCH, game: "Ico" }, { "idempotency-key": "same-click" }),
    );
    await expectProblem(reused, 409, "CONFLICT");
  }, 30_000);

  it("ends a session by stopping its VM, then warm-starts that VM for the next launch", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "p-warm");
    const first = await launch(token);
    const playable = await waitForSession(t, token, "p-warm", first.body.id, "playable");
    const ended = await call(`/launch/${first.body.id}`, jsonRequest("DELETE", token));
    expect(ended.status).toBe(200);
    expect(((await ended.json()) as { state: string }).state).toBe("ended");
    // Wait for the VM to be stopped.
    for (let i = 0; i < 100; i++) {
      const vm = (await (await call(`/vms/${playable.vmId}`, jsonRequest("GET", t.adminToken))).json()) as { state: string };
      if (vm.state === "stopped") break;
      await new Promise((r) => setTimeout(r, 100));
      await (await import("cloudflare:test")).runDurableObjectAlarm(vmStub(playable.vmId as string)).catch(() => false);
    }
    const second = await launch(token);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.warm).toBe(true);
    expect(second.body.vmId).toBe(playable.vmId);
    const again = await waitForSession(t, token, "p-warm", second.body.id, "playable");
    expect(again.warm).toBe(true);
  }, 40_000);

  it("falls back to the next region when the chosen one has no capacity, recording each attempt", async () => {
    const t = await createTenant();
    await fastCloud(t.id, { capacityExhaustedRegions: ["eu-west-3"] });
    const token = await playerKey(t, "p-fallback");
    const { body } = await launch(token);
    expect(body.placement.chosen?.region).toBe("eu-west-3");
    const playable = await waitForSession(t, token, "p-fallback", body.id, "playable");
    expect(playable.attempts[0]).toMatchObject({ region: "eu-west-3", outcome: "failed", reason: "capacity" });
    expect(playable.attempts.at(-1)?.outcome).toBe("playable");
    expect(playable.region).not.toBe("eu-west-3");
  }, 30_000);

  it("needs a player: operators name one, players cannot act for others", async () => {
    const t = await createTenant();
    const missing = await call("/launch", jsonRequest("POST", t.adminToken, LAUNCH));
    const problem = await expectProblem(missing, 400, "VALIDATION_FAILED");
    expect(problem.errors?.[0]?.location).toBe("body.playerId");
    const token = await playerKey(t, "p-self");
    await expectProblem(
      await call("/launch", jsonRequest("POST", token, { ...LAUNCH, playerId: "someone-else" })),
      403,
      "FORBIDDEN",
    );
  });

  it("400 for an unknown emulator, 409 when nothing is feasible", async () => {
    const t = await createTenant();
    const token = await playerKey(t, "p-bad");
    await expectProblem(
      await call("/launch", jsonRequest("POST", token, { ...LAUNCH, emulator: "nope" })),
      400,
      "VALIDATION_FAILED",
    );
    const tooFar = await call("/launch", jsonRequest("POST", token, { ...LAUNCH, preferences: { maxHourlyPriceMicros: 1 } }));
    const none = await expectProblem(tooFar, 409, "NO_FEASIBLE_PLACEMENT");
    expect(none.detail).toContain("price");
  });
});

describe("POST /launch/preview", () => {
  it("answers the same placement with no side effects", async () => {
    const t = await createTenant();
    const cloud = await fastCloud(t.id);
    const token = await playerKey(t, "p-preview");
    const res = await call("/launch/preview", jsonRequest("POST", token, { ...LAUNCH, location: PARIS }));
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { chosen: { region: string }; alternatives: unknown[] };
    expect(body.chosen.region).toBe("eu-west-3");
    expect(((await cloud.inspect()) as unknown[]).length).toBe(0);
  });
});

describe("GET /launch/{id}/events", () => {
  it("streams the session's steps until it is playable", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "p-sse");
    const { body } = await launch(token);
    const res = await call(`/launch/${body.id}/events`, jsonRequest("GET", token));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const until = Date.now() + 20_000;
    // One read in flight at a time: a read that outlives a tick is awaited again, not repeated.
    let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
    try {
      while (!text.includes("event: playable") && Date.now() < until) {
        pending ??= reader.read();
        const chunk = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 500))]);
        if (chunk) {
          pending = null;
          if (chunk.done) break;
          text += decoder.decode(chunk.value, { stream: true });
        }
        await (await import("cloudflare:test")).runDurableObjectAlarm(cloudStub(t.id)).catch(() => false);
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    expect(text).toContain("event: accepted");
    expect(text).toContain("event: vm-requested");
    expect(text).toContain("event: playable");
    expect(text).toMatch(/^id: 1$/m);
  }, 30_000);
});
