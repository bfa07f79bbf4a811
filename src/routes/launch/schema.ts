// Schemas shared by the /launch routes.
import { z } from "@hono/zod-openapi";
import { MicrosSchema, SlugSchema } from "../../domain/catalog/schema";
import { PlayerIdSchema } from "../config/schema";
import { StreamingEndpointSchema } from "../vms/schema";

export const LocationSchema = z
  .strictObject({
    lat: z.number().min(-90).max(90).openapi({ example: 48.8566 }),
    lon: z.number().min(-180).max(180).openapi({ example: 2.3522 }),
  })
  .openapi("Location", { description: "Where the player is, when the caller knows better than the edge" });

export const PingSchema = z
  .strictObject({
    provider: SlugSchema.openapi({ example: "simulated" }),
    region: z.string().min(1).max(63).openapi({ example: "eu-west-3" }),
    rttMs: z.number().min(0).max(5000).openapi({ description: "Measured round trip to the region's beacon", example: 14.2 }),
  })
  .openapi("Ping");

export const PartyMemberSchema = z
  .strictObject({
    location: LocationSchema.optional(),
    pings: z.array(PingSchema).max(200).default([]),
  })
  .openapi("PartyMember");

export const PreferencesSchema = z
  .strictObject({
    maxRttMs: z.number().int().min(5).max(1000).optional().openapi({ example: 60 }),
    maxHourlyPriceMicros: MicrosSchema.max(1_000_000_000_000)
      .optional()
      .openapi({ description: "Highest acceptable hourly price (micro-dollars, at most 1,000,000 USD)" }),
    spot: z.boolean().default(false).openapi({ description: "Accept spot capacity (if the tenant policy allows it)" }),
  })
  .openapi("LaunchPreferences");

export const LaunchBodySchema = z
  .strictObject({
    emulator: SlugSchema.openapi({ description: "Emulator profile id", example: "pcsx2" }),
    game: z.string().trim().min(1).max(200).openapi({ description: "The title to play", example: "Shadow of the Colossus" }),
    playerId: PlayerIdSchema.optional().openapi({
      description: "Required for operators launching on behalf of a player; a player's own id otherwise",
    }),
    location: LocationSchema.optional(),
    pings: z.array(PingSchema).max(200).default([]),
    party: z.array(PartyMemberSchema).max(7).default([]).openapi({ description: "Other players who will join this session" }),
    preferences: PreferencesSchema.default({ spot: false }),
  })
  .openapi("LaunchRequest");

export const CandidateSchema = z
  .object({
    provider: z.string().openapi({ example: "simulated" }),
    region: z.string().openapi({ example: "eu-west-3" }),
    city: z.string().nullable().openapi({ example: "Paris" }),
    instanceType: z.string().openapi({ example: "g4dn.xlarge" }),
    estimatedRttMs: z.number().nullable().openapi({ description: "Worst player's estimated RTT", example: 18 }),
    hourlyPriceMicros: MicrosSchema,
    reason: z.string().openapi({ example: "lowest estimated RTT" }),
  })
  .openapi("PlacementCandidate");

export const PlacementSchema = z
  .object({
    chosen: CandidateSchema.nullable(),
    alternatives: z.array(CandidateSchema).openapi({ description: "Next best feasible placements (fallbacks)" }),
    rejected: z
      .array(z.object({ provider: z.string(), region: z.string(), instanceType: z.string(), reasons: z.array(z.string()) }))
      .openapi({ description: "Infeasible placements and why" }),
    locationSources: z
      .array(z.string())
      .openapi({ description: "Per player: explicit, cf, country, colo or unknown", example: ["cf"] }),
  })
  .openapi("Placement");

export const SessionSchema = z
  .object({
    id: z.string().openapi({ example: "ses_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
    playerId: z.string(),
    emulatorId: z.string(),
    game: z.string(),
    state: z.enum(["starting", "playable", "ending", "ended", "failed"]).openapi({ example: "playable" }),
    vmId: z.string().nullable(),
    provider: z.string().nullable(),
    region: z.string().nullable(),
    warm: z.boolean().openapi({ description: "A stopped VM of the player was started instead of a new one" }),
    endpoint: StreamingEndpointSchema.nullable().openapi({ description: "Where to connect, once playable" }),
    timeToPlayableMs: z.number().nullable(),
    failureReason: z.string().nullable(),
    attempts: z.array(
      z.object({
        provider: z.string(),
        region: z.string(),
        instanceType: z.string(),
        vmId: z.string(),
        outcome: z.enum(["pending", "playable", "failed"]),
        reason: z.string().nullable(),
        warm: z.boolean(),
      }),
    ),
    placement: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    playableAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    links: z.object({ self: z.string(), events: z.string(), vm: z.string().nullable() }),
  })
  .openapi("Session");

export const SessionIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^ses_[0-9a-z]{26}$/, "must be a session id (ses_…)")
    .openapi({ param: { name: "id", in: "path" }, example: "ses_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
});
