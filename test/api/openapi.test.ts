// The OpenAPI document is valid 3.1 (checked by a real parser) and documents every route.
import SwaggerParser from "@apidevtools/swagger-parser";
import type { OpenAPIV3_1 } from "openapi-types";
import { describe, expect, it } from "vitest";
import { call } from "../support/http";

async function document(): Promise<OpenAPIV3_1.Document> {
  const res = await call("/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as OpenAPIV3_1.Document;
}

describe("GET /openapi.json", () => {
  it("validates as OpenAPI 3.1", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("is checked by a parser that does reject a broken document", async () => {
    const broken = { ...(await document()), paths: { "/x": { get: { responses: { 200: { content: 7 } } } } } };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it("has the title, tags and the bearer security scheme", async () => {
    const doc = await document();
    expect(doc.info.title).toBe("Gamer Provisioner API");
    expect(doc.tags?.map((t) => t.name).sort()).toEqual(["billing", "config", "health", "launch", "vms"]);
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("documents every operation with a summary, a description and problem responses", async () => {
    const doc = await document();
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item ?? {}).map(([method, op]) => ({ path, method, op: op as OpenAPIV3_1.OperationObject })),
    );
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(["get /", "get /health", "get /health/live"]),
    );
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(op.description, where).toBeTruthy();
      expect(op.tags?.length, where).toBeGreaterThan(0);
      const failure = op.responses?.["500"] as OpenAPIV3_1.ResponseObject | undefined;
      expect(failure?.content?.["application/problem+json"], where).toBeTruthy();
    }
  });
});

describe("GET /docs", () => {
  it("serves the interactive reference pointing at the document", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("/openapi.json");
  });
});
