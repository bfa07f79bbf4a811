// /config/emulators: the emulator profiles (what a VM boots and needs).
import { z } from "@hono/zod-openapi";
import { EmulatorProfileSchema } from "../../../domain/catalog/schema";
import type { CollectionSpec } from "./collection";

export const emulators: CollectionSpec = {
  key: "emulators",
  noun: "emulator profile",
  idExample: "pcsx2",
  itemSchema: EmulatorProfileSchema,
  listSchema: z.object({ items: z.array(EmulatorProfileSchema) }).openapi("EmulatorProfileList"),
};
