// Helpers for launch tests: player keys, launching, and waiting for a session's state.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { expect } from "vitest";
import { call } from "./http";
import { createKey, jsonRequest, type TestTenant } from "./tenants";
import { cloudStub, vmStub } from "./vms";

export interface SessionBody {
  id: string;
  state: string;
  vmId: string | null;
  region: string | null;
  provider: string | null;
  warm: boolean;
  endpoint: { host: string } | null;
  timeToPlayableMs: number | null;
  attempts: { region: string; outcome: string; reason: string | null; vmId: string }[];
  placement: { chosen: { region: string } | null; alternatives: { region: string }[]; locationSources: string[] };
  links: { self: string; events: string; vm: string | null };
}

export async function playerKey(t: TestTenant, playerId: string): Promise<string> {
  return (await createKey(t.adminToken, { name: `player ${playerId}`, scopes: ["player"], playerId })).token;
}

export const PARIS = { lat: 48.8566, lon: 2.3522 };
export const LAUNCH = { emulator: "pcsx2", game: "Shadow of the Colossus", location: PARIS };

export async function launch(token: string, body: Record<string, unknown> = LAUNCH, headers: Record<string, string> = {}) {
  const res = await call("/launch", jsonRequest("POST", token, body, headers));
  const text = await res.text();
  return { res, body: (text ? JSON.parse(text) : null) as SessionBody };
}

export function playerStub(tenantId: string, playerId: string) {
  return env.PLAYER_ACTOR.get(env.PLAYER_ACTOR.idFromName(`${tenantId}:${playerId}`));
}

/**
 * Polls the session (nudging the actors' alarms) until it reaches `state`. Reads as the tenant's
 * admin, so the player's own rate limit is left to the test.
 */
export async function waitForSession(
  t: TestTenant,
  _token: string,
  playerId: string,
  id: string,
  state: string,
  timeoutMs = 20_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call(`/launch/${id}?player=${playerId}`, jsonRequest("GET", t.adminToken));
    expect(res.status).toBe(200);
    const body = (await res.json()) as SessionBody;
    if (body.state === state) return body;
    if (Date.now() > until) throw new Error(`session ${id} is ${body.state}, not ${state}: ${JSON.stringify(body.attempts)}`);
    await new Promise((r) => setTimeout(r, 100));
    await runDurableObjectAlarm(playerStub(t.id, playerId)).catch(() => false);
    if (body.vmId) await runDurableObjectAlarm(vmStub(body.vmId)).catch(() => false);
    await runDurableObjectAlarm(cloudStub(t.id)).catch(() => false);
  }
}
