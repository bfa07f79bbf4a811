// The operations the fuzz tests drive, read from the app's own OpenAPI document, so a route
// added tomorrow is fuzzed without touching these tests.
import type { OpenAPIV3_1 } from "openapi-types";
import { expect } from "vitest";
import { call } from "../../support/http";

export type Schema = Record<string, unknown>;
export type Doc = OpenAPIV3_1.Document;

/** Who may call an operation, from its `security` and `x-access`. */
export type Access =
  | { kind: "public" }
  | { kind: "agent" }
  | { kind: "root" }
  | { kind: "tenant"; scopes: ("admin" | "operator" | "player")[] };

export interface Param {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** `POST /vms/{id}/start` */
  key: string;
  method: string;
  path: string;
  tag: string;
  params: Param[];
  /** Content types and schema of the request body, when the operation takes one. */
  body: { contentTypes: string[]; schema: Schema; required: boolean } | null;
  access: Access;
  /** The response statuses the document lists. */
  statuses: Set<number>;
}

export const METHODS = ["get", "post", "put", "patch", "delete"] as const;

export async function loadDocument(): Promise<Doc> {
  const res = await call("/openapi.json");
  expect(res.status, "GET /openapi.json").toBe(200);
  return (await res.json()) as Doc;
}

export function operationsOf(doc: Doc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method] as (OpenAPIV3_1.OperationObject & { "x-access"?: string[] }) | undefined;
      if (!op) continue;
      const params = ((op.parameters ?? []) as OpenAPIV3_1.ParameterObject[]).map((p) => ({
        name: p.name,
        in: p.in as Param["in"],
        required: p.required === true,
        schema: (p.schema ?? {}) as Schema,
      }));
      const requestBody = op.requestBody as OpenAPIV3_1.RequestBodyObject | undefined;
      const contentTypes = Object.keys(requestBody?.content ?? {});
      const firstType = contentTypes[0];
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        tag: op.tags?.[0] ?? "untagged",
        params,
        body:
          requestBody && firstType
            ? {
                contentTypes,
                schema: (requestBody.content[firstType]?.schema ?? {}) as Schema,
                required: requestBody.required === true,
              }
            : null,
        access: accessOf(op),
        statuses: new Set(Object.keys(op.responses ?? {}).map(Number)),
      });
    }
  }
  return out;
}

function accessOf(op: OpenAPIV3_1.OperationObject & { "x-access"?: string[] }): Access {
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.length === 0) return { kind: "public" };
  if (schemes.includes("agentToken")) return { kind: "agent" };
  const access = op["x-access"] ?? [];
  if (access.includes("root")) return { kind: "root" };
  return { kind: "tenant", scopes: access.filter((s): s is "admin" | "operator" | "player" => s !== "root") as never };
}

/** Follows `$ref`s into `components`. */
export function resolve(doc: Doc, schema: unknown): Schema {
  let current = schema as Schema | undefined;
  for (let hops = 0; current && typeof current.$ref === "string" && hops < 20; hops++) {
    const parts = (current.$ref as string).replace(/^#\//, "").split("/");
    current = parts.reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], doc) as
      | Schema
      | undefined;
  }
  return current ?? {};
}

/** Whether `pathname` (as the server sees it) is an instance of the template `/vms/{id}/start`. */
export function matchesTemplate(template: string, pathname: string): boolean {
  const want = template.split("/");
  const got = pathname.split("/");
  return want.length === got.length && want.every((seg, i) => (seg.startsWith("{") ? got[i] !== "" : seg === got[i]));
}
