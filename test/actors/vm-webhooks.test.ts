// Lifecycle webhooks: the VmActor's outbox flush emits vm.running / vm.stopped / vm.failed for the
// events that moved the VM there, the PlayerActor's emits session.ended; delivered to the local
// receiver (test/webhook-receiver-setup.ts). The event → webhook mapping is pure and tested first.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { playerActors } from "../../src/actors/player/client";
import type { LaunchCandidate, LaunchRequest, Session } from "../../src/actors/player/state";
import { sessionEndedEvent } from "../../src/actors/player/webhook-events";
import { DEFAULT_LIMITS, type VmLimits } from "../../src/actors/vm/limits";
import { webhookEventsOf } from "../../src/actors/vm/webhook-events";
import { webhookActors } from "../../src/actors/webhooks/client";
import { defaultCatalog } from "../../src/domain/catalog/defaults";
import { newId } from "../../src/domain/ids";
import type { VmEventRecord } from "../../src/store/types";
import { WEBHOOK_EVENT_TYPES, type WebhookEvent } from "../../src/webhooks/events";
import { playerStub } from "../support/launch";
import { cloudStub, fastCloud, vmClient, vmInput, vmStub } from "../support/vms";

const RECEIVER = env.WEBHOOK_RECEIVER_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const webhookStub = (tenantId: string) => env.WEBHOOK_ACTOR.get(env.WEBHOOK_ACTOR.idFromName(tenantId));

// --- pure mapping -------------------------------------------------------------------------------

const SPEC = { vmId: "vm_a", provider: { id: "simulated" }, region: "eu-central-1", playerId: "p-1", sessionId: "ses_1" };
const AT = new Date("2030-01-02T03:04:05.000Z");
const ev = (seq: number, type: string, fromState: string | null, toState: string | null, data = {}): VmEventRecord => ({
  tenantId: "ten_1",
  vmId: "vm_a",
  seq,
  type,
  at: new Date(AT.getTime() + seq * 1000),
  fromState,
  toState,
  data,
});

describe("webhookEventsOf", () => {
  it("maps the events that entered running, stopped or failed, in order, with deterministic ids", () => {
    const events = [
      ev(1, "accepted", null, "pending"),
      ev(2, "create", "pending", "provisioning"),
      ev(3, "instance-created", "provisioning", "provisioning"),
      ev(4, "observed", "provisioning", "starting"),
      ev(5, "agent-ready", "starting", "running", { host: "h" }),
      ev(6, "agent-ready", "running", "running"), // a repeated ready: no transition
      ev(7, "stop", "running", "stopping", { reason: "idle" }),
      ev(8, "observed", "stopping", "stopped", { instance: "stopped", reason: "idle" }),
      ev(9, "start", "stopped", "starting"),
      ev(10, "observed", "starting", "failed", { instance: "missing", reason: "instance-lost" }),
    ];
    const base = { vmId: "vm_a", provider: "simulated", region: "eu-central-1", playerId: "p-1", sessionId: "ses_1" };
    expect(webhookEventsOf(SPEC, events)).toEqual([
      { id: "vm.running:vm_a:5", type: "vm.running", at: "2030-01-02T03:04:10.000Z", data: { ...base, state: "running" } },
      {
        id: "vm.stopped:vm_a:8",
        type: "vm.stopped",
        at: "2030-01-02T03:04:13.000Z",
        data: { ...base, state: "stopped", reason: "idle" },
      },
      {
        id: "vm.failed:vm_a:10",
        type: "vm.failed",
        at: "2030-01-02T03:04:15.000Z",
        data: { ...base, state: "failed", reason: "instance-lost" },
      },
    ]);
  });

  it("maps nothing for events that enter no webhook state, and the same events always to the same ids", () => {
    expect(webhookEventsOf(SPEC, [ev(1, "accepted", null, "pending"), ev(2, "terminate", "running", "terminating")])).toEqual([]);
    const once = webhookEventsOf(SPEC, [ev(3, "agent-ready", "starting", "running")]);
    expect(webhookEventsOf(SPEC, [ev(3, "agent-ready", "starting", "running")])).toEqual(once);
    for (const hook of once) expect(WEBHOOK_EVENT_TYPES).toContain(hook.type);
  });
});

describe("sessionEndedEvent", () => {
  const session = (patch: Partial<Session>): Session => ({
    id: "ses_1",
    tenantId: "ten_1",
    playerId: "p-1",
    emulatorId: "pcsx2",
    streamingHost: "sunshine",
    game: "g",
    state: "playable",
    version: 3,
    vmId: "vm_a",
    attempts: [],
    remaining: [],
    placement: {},
    endpoint: null,
    warm: false,
    failureReason: null,
    endReason: null,
    apiUrl: "https://api.test",
    createdAt: AT.getTime(),
    playableAt: AT.getTime() + 5_000,
    endedAt: null,
    events: [],
    ...patch,
  });

  it("is null while the session is live", () => {
    expect(sessionEndedEvent(session({ state: "starting" }))).toBeNull();
    expect(sessionEndedEvent(session({ state: "playable" }))).toBeNull();
  });

  it("describes an ended or failed session, with its reason", () => {
    const endedAt = new Date(AT.getTime() + 60_000).toISOString();
    expect(sessionEndedEvent(session({ state: "ended", endReason: "requested", endedAt: AT.getTime() + 60_000 }))).toEqual({
      id: "session.ended:ses_1",
      type: "session.ended",
      at: endedAt,
      data: { sessionId: "ses_1", playerId: "p-1", vmId: "vm_a", state: "ended", reason: "requested", endedAt },
    });
    const failed = sessionEndedEvent(
      session({ state: "failed", failureReason: "capacity", endReason: "capacity", endedAt: AT.getTime() + 60_000 }),
    );
    expect(failed?.data).toMatchObject({ state: "failed", reason: "capacity" });
    // Stored before endReason existed: the failure reason stands in.
    const older = sessionEndedEvent(session({ state: "failed", failureReason: "quota", endReason: undefined, endedAt: 1 }));
    expect(older?.data.reason).toBe("quota");
  });
});

// --- through the actors, to the receiver -----------------------------------------------------------

interface Received {
  path: string;
  body: string;
}

const received = async (path: string): Promise<WebhookEvent[]> =>
  ((await (await fetch(`${RECEIVER}/__requests?path=${encodeURIComponent(path)}`)).json()) as Received[]).map(
    (r) => JSON.parse(r.body) as WebhookEvent,
  );

/** Subscribes a receiver path of this test's own to every lifecycle event of the tenant. */
async function subscribe(tenantId: string): Promise<string> {
  const path = `/hooks/${crypto.randomUUID()}`;
  const answer = await webhookActors(env.WEBHOOK_ACTOR)(tenantId).register({
    url: `${RECEIVER}${path}`,
    events: ["vm.running", "vm.stopped", "vm.failed", "session.ended"],
    description: null,
  });
  expect(answer.ok).toBe(true);
  return path;
}

/** Runs the given actors' alarms (their outboxes, the cloud, deliveries) until `done` holds for what was received. */
async function receivedUntil(
  tenantId: string,
  path: string,
  stubs: DurableObjectStub[],
  done: (got: WebhookEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<WebhookEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await received(path);
    if (done(got)) return got;
    if (Date.now() > until) throw new Error(`not received in time; got ${JSON.stringify(got.map((e) => e.id))}`);
    await sleep(50);
    for (const stub of [...stubs, cloudStub(tenantId), webhookStub(tenantId)])
      await runDurableObjectAlarm(stub as never).catch(() => false);
  }
}

const has = (type: string, id: string | null) => (got: WebhookEvent[]) =>
  got.some((e) => e.type === type && (id === null || e.data.vmId === id || e.data.sessionId === id));

async function vmEvents(vmId: string, tenantId: string): Promise<VmEventRecord[]> {
  return (await vmClient(vmId).events(tenantId, 0, 200))?.items ?? [];
}

describe("VM lifecycle webhooks", () => {
  it("delivers vm.running and vm.stopped (naming the limit), and vm.failed for a lost instance, each once", {
    timeout: 60_000,
  }, async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId, { heartbeatIntervalMs: 600_000 });
    const path = await subscribe(tenantId);
    const idle = vmInput(tenantId, {}, { idleTimeoutMs: 500 }); // its agent never beats: stopped by its limit
    const lost = vmInput(tenantId); // its instance will be interrupted
    await vmClient(idle.vmId).create(idle);
    await vmClient(lost.vmId).create(lost);
    const stubs = [vmStub(idle.vmId), vmStub(lost.vmId)];

    await receivedUntil(tenantId, path, stubs, (got) => has("vm.running", lost.vmId)(got) && has("vm.stopped", idle.vmId)(got));
    const instanceId = (await vmClient(lost.vmId).get(tenantId))?.providerInstanceId as string;
    expect((await cloud.interrupt(instanceId)).ok).toBe(true);
    expect(await vmClient(lost.vmId).checkInstance(tenantId)).toMatchObject({ state: "failed" });
    await receivedUntil(tenantId, path, stubs, has("vm.failed", lost.vmId));
    // More alarms and flushes change nothing: every webhook is delivered once.
    for (let i = 0; i < 5; i++) {
      for (const stub of stubs) await runDurableObjectAlarm(stub);
      await runDurableObjectAlarm(webhookStub(tenantId));
      await sleep(50);
    }
    const got = await received(path);

    /** The webhook the actor's own event log says it must have sent for `vmId` entering `state`. */
    const expected = async (vmId: string, state: string, reason?: string): Promise<WebhookEvent> => {
      const entered = (await vmEvents(vmId, tenantId)).filter((e) => e.toState === state && e.fromState !== state);
      expect(entered, `${vmId} entered ${state} once`).toHaveLength(1);
      const event = entered[0] as VmEventRecord;
      return {
        id: `vm.${state}:${vmId}:${event.seq}`,
        type: `vm.${state}` as WebhookEvent["type"],
        at: event.at.toISOString(),
        data: {
          vmId,
          state,
          provider: "simulated",
          region: "eu-central-1",
          playerId: null,
          sessionId: null,
          ...(reason ? { reason } : {}),
        },
      };
    };
    const sortById = (list: WebhookEvent[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    expect(sortById(got)).toEqual(
      sortById([
        await expected(idle.vmId, "running"),
        await expected(idle.vmId, "stopped", "agent-silent"),
        await expected(lost.vmId, "running"),
        await expected(lost.vmId, "failed", "instance-lost"),
      ]),
    );
  });
});

describe("session.ended webhooks", () => {
  const provider = defaultCatalog().providers.find((p) => p.id === "simulated");
  if (!provider) throw new Error("no simulated provider in the default catalog");
  const candidate: LaunchCandidate = {
    provider,
    region: "eu-central-1",
    instanceType: "g4dn.xlarge",
    image: "sim-image-pcsx2",
    diskGb: 64,
    spot: false,
    estimatedRttMs: 20,
    hourlyPriceMicros: 0,
  };
  const request = (tenantId: string, playerId: string, limits: VmLimits = DEFAULT_LIMITS): LaunchRequest => ({
    tenantId,
    playerId,
    emulatorId: "pcsx2",
    streamingHost: "sunshine",
    game: "Shadow of the Colossus",
    candidates: [candidate],
    acceptableRegions: ["simulated:eu-central-1"],
    idempotencyKey: null,
    requestHash: crypto.randomUUID(),
    apiUrl: "https://api.test",
    maxActiveSessions: 1,
    placement: {},
    limits,
  });

  /** Launches directly on the player's actor and follows the session until `state`. */
  async function launchUntil(req: LaunchRequest, state: string) {
    const player = playerActors(env.PLAYER_ACTOR)(req.tenantId, req.playerId);
    const answer = await player.launch(req);
    if (!answer.ok) throw new Error(answer.message);
    const sessionId = answer.view.id;
    const until = Date.now() + 20_000;
    for (;;) {
      const view = await player.get(req.tenantId, sessionId);
      if (view?.state === state) return { player, view };
      if (Date.now() > until) throw new Error(`session is ${view?.state}, not ${state}`);
      await sleep(50);
      await runDurableObjectAlarm(playerStub(req.tenantId, req.playerId));
      if (view?.vmId) await runDurableObjectAlarm(vmStub(view.vmId));
      await runDurableObjectAlarm(cloudStub(req.tenantId));
    }
  }

  const sessionEnded = (got: WebhookEvent[], sessionId: string) =>
    got.filter((e) => e.type === "session.ended" && e.data.sessionId === sessionId);

  it("is delivered once when a player ends the session, and when a limit stops its VM", { timeout: 60_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId, { heartbeatIntervalMs: 600_000 });
    const path = await subscribe(tenantId);

    const { player, view } = await launchUntil(request(tenantId, "p-ends"), "playable");
    const ended = await player.end(tenantId, view.id);
    expect(ended).toMatchObject({ ok: true, view: { state: "ended" } });
    const stubs = [playerStub(tenantId, "p-ends"), vmStub(view.vmId as string)];
    let got = await receivedUntil(tenantId, path, stubs, (g) => sessionEnded(g, view.id).length > 0);
    const endedAt = (ended.ok && ended.view.endedAt) as string;
    expect(sessionEnded(got, view.id)).toEqual([
      {
        id: `session.ended:${view.id}`,
        type: "session.ended",
        at: endedAt,
        data: { sessionId: view.id, playerId: "p-ends", vmId: view.vmId, state: "ended", reason: "requested", endedAt },
      },
    ]);

    // A session whose VM its idle limit stops (the agent never beats) ends, and says why.
    const idle = await launchUntil(request(tenantId, "p-idle", { ...DEFAULT_LIMITS, idleTimeoutMs: 500 }), "ended");
    const idleStubs = [playerStub(tenantId, "p-idle"), vmStub(idle.view.vmId as string)];
    got = await receivedUntil(
      tenantId,
      path,
      idleStubs,
      (g) => sessionEnded(g, idle.view.id).length > 0 && has("vm.stopped", idle.view.vmId)(g),
    );
    expect(sessionEnded(got, idle.view.id)[0]?.data).toMatchObject({
      sessionId: idle.view.id,
      playerId: "p-idle",
      vmId: idle.view.vmId,
      state: "ended",
      reason: expect.stringMatching(/^vm-stop/),
    });
    const stopped = got.find((e) => e.type === "vm.stopped" && e.data.vmId === idle.view.vmId);
    expect(stopped?.data).toMatchObject({ reason: "agent-silent", playerId: "p-idle", sessionId: idle.view.id });

    for (let i = 0; i < 3; i++) {
      for (const stub of [...stubs, ...idleStubs]) await runDurableObjectAlarm(stub);
      await runDurableObjectAlarm(webhookStub(tenantId));
      await sleep(50);
    }
    got = await received(path);
    expect(sessionEnded(got, view.id)).toHaveLength(1);
    expect(sessionEnded(got, idle.view.id)).toHaveLength(1);
  });

  it("is delivered for a launch that failed, with the reason", { timeout: 60_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId, { capacityExhaustedRegions: ["eu-central-1"] });
    const path = await subscribe(tenantId);
    const { view } = await launchUntil(request(tenantId, "p-fails"), "failed");
    const stubs = [playerStub(tenantId, "p-fails"), vmStub(view.vmId as string)];
    const got = await receivedUntil(
      tenantId,
      path,
      stubs,
      (g) => sessionEnded(g, view.id).length > 0 && has("vm.failed", view.vmId)(g),
    );
    expect(sessionEnded(got, view.id)[0]?.data).toMatchObject({ state: "failed", reason: "capacity", vmId: view.vmId });
    expect(got.find((e) => e.type === "vm.failed")?.data).toMatchObject({ reason: "capacity", sessionId: view.id });
  });
});
