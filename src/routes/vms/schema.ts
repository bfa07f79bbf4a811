// Schemas shared by the /vms routes.
import { z } from "@hono/zod-openapi";
import { FAILURE_REASONS, VM_STATES } from "../../domain/lifecycle";
import { pageOf } from "../../http/pagination";

export const VmStateSchema = z.enum(VM_STATES).openapi({ example: "running" });

export const StreamingEndpointSchema = z
  .strictObject({
    host: z.string().min(1).max(255).openapi({ example: "198.51.100.23" }),
    ports: z
      .array(z.number().int().min(1).max(65535))
      .min(1)
      .max(16)
      .openapi({ example: [47984, 47989, 48010] }),
    protocol: z.enum(["sunshine", "wolf"]).openapi({ example: "sunshine" }),
    pairing: z
      .record(z.string().max(64), z.string().max(512))
      .default({})
      .openapi({ example: { pin: "4821" } }),
  })
  .openapi("StreamingEndpoint");

const Timestamp = z.string().openapi({ example: "2026-11-27T10:00:00.000Z" });

export const VmSchema = z
  .object({
    id: z.string().openapi({ example: "vm_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
    state: VmStateSchema,
    provider: z.string().openapi({ example: "simulated" }),
    region: z.string().openapi({ example: "eu-central-1" }),
    instanceType: z.string().openapi({ example: "g5.xlarge" }),
    emulatorId: z.string().openapi({ example: "pcsx2" }),
    spot: z.boolean(),
    playerId: z.string().nullable(),
    sessionId: z.string().nullable(),
    providerInstanceId: z.string().nullable().openapi({ example: "i-0abcd1234ef567890" }),
    failureReason: z.enum(FAILURE_REASONS).nullable(),
    endpoint: StreamingEndpointSchema.nullable().openapi({ description: "Where to connect; set while running" }),
    timings: z.object({
      acceptedAt: Timestamp,
      instanceCreatedAt: Timestamp.nullable(),
      instanceRunningAt: Timestamp.nullable(),
      agentReadyAt: Timestamp.nullable(),
      timeToPlayableMs: z
        .number()
        .nullable()
        .openapi({ description: "Accepted (or started) → playable, latest boot", example: 41250 }),
    }),
    lastActivityAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Vm");

/** The Store's record of a VM, as GET /vms lists it (eventually consistent with the actor). */
export const VmSummarySchema = z
  .object({
    id: z.string(),
    state: VmStateSchema,
    provider: z.string(),
    region: z.string(),
    instanceType: z.string(),
    emulatorId: z.string().nullable(),
    playerId: z.string().nullable(),
    sessionId: z.string().nullable(),
    providerInstanceId: z.string().nullable(),
    failureReason: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("VmSummary");

export const VmPageSchema = pageOf(VmSummarySchema, "VmPage");

export const VmEventSchema = z
  .object({
    seq: z.number().int().openapi({ example: 3 }),
    type: z.string().openapi({ example: "agent-ready" }),
    at: Timestamp,
    fromState: z.string().nullable(),
    toState: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).openapi({ example: { sinceAcceptedMs: 41250 } }),
  })
  .openapi("VmEvent");

export const VmEventPageSchema = pageOf(VmEventSchema, "VmEventPage");

export const VmIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^vm_[0-9a-z]{26}$/, "must be a VM id (vm_…)")
    .openapi({ param: { name: "id", in: "path" }, example: "vm_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
});
