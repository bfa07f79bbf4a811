// Every path of the OpenAPI document (and the document and docs themselves) with every method it
// does not define, with and without a credential: a 405 problem+json whose Allow header lists
// exactly the documented methods. Exhaustive rather than sampled: the set is small.
import { beforeAll, describe, expect, it } from "vitest";
import { checkResponse } from "./support/check";
import { callWorker, type FuzzTenant, setUpTenant } from "./support/fuzz";
import { loadDocument, METHODS, matchesTemplate, resolve } from "./support/model";

const doc = await loadDocument();

/** Each path with a concrete URL (documented examples in the parameters) and its methods. */
const paths = Object.entries(doc.paths ?? {}).map(([template, item]) => {
  const params = Object.values(item ?? {}).flatMap(
    (op) => (op as { parameters?: { in: string; name: string; schema: unknown }[] }).parameters ?? [],
  );
  const url = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = params.find((p) => p.in === "path" && p.name === name);
    const example = param ? resolve(doc, param.schema).example : undefined;
    return encodeURIComponent(typeof example === "string" ? example : "x");
  });
  const methods = METHODS.filter((m) => item?.[m]).map((m) => m.toUpperCase());
  return { template, url, methods };
});
paths.push(
  { template: "/openapi.json", url: "/openapi.json", methods: ["GET"] },
  { template: "/docs", url: "/docs", methods: ["GET"] },
);

// TRACE, TRACK and CONNECT cannot be sent with fetch.
const PROBED = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "PURGE"];

let tenant: FuzzTenant;
beforeAll(async () => {
  tenant = await setUpTenant();
});

/** The methods the router serves at `url`: a sibling template may match too (`/launch/beacons` is also `/launch/{id}`). */
function routedMethods(url: string): Set<string> {
  const methods = paths.filter((p) => matchesTemplate(p.template, url.split("?")[0] as string)).flatMap((p) => p.methods);
  return new Set([...methods, ...(methods.includes("GET") ? ["HEAD"] : [])]);
}

/** The header parameters the document declares on the operations of `template`, lowercased. */
function headerParams(template: string): string[] {
  const item = doc.paths?.[template] ?? {};
  const params = Object.values(item).flatMap((op) => (op as { parameters?: { in: string; name: string }[] }).parameters ?? []);
  return [...new Set(params.filter((p) => p.in === "header").map((p) => p.name.toLowerCase()))];
}

const credentials = (): Record<string, string>[] => [{}, { authorization: `Bearer ${tenant.adminToken}` }];

describe.each(paths.map((p) => [p.template, p] as const))("%s", (template, { url, methods }) => {
  const allowed = routedMethods(url);
  const others = PROBED.filter((m) => !allowed.has(m) && m !== "OPTIONS");

  it.each(others)("%s: 405 with Allow listing the methods, with or without a credential", async (method) => {
    for (const headers of credentials()) {
      const sent = { method, url: `https://api.test${url}`, headers };
      const res = await callWorker(url, { method, headers });
      const text = await res.text();
      checkResponse(sent, res, text);
      expect(res.status, `${method} ${url}: ${text}`).toBe(405);
      const allow = (res.headers.get("allow") ?? "").split(",").map((m) => m.trim());
      expect(new Set(allow), `Allow on ${url}`).toEqual(allowed);
    }
  });

  it("OPTIONS: a CORS preflight allowing every request header the API reads", async () => {
    const wanted = ["authorization", "content-type", "x-tenant-id", "x-request-id", ...headerParams(template)];
    for (const headers of credentials()) {
      const res = await callWorker(url, {
        method: "OPTIONS",
        headers: {
          ...headers,
          origin: "https://play.example.com",
          "access-control-request-method": methods[0] as string,
          "access-control-request-headers": wanted.join(", "),
        },
      });
      expect(res.status, `OPTIONS ${url}`).toBe(204);
      const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/\s*,\s*/);
      expect(allowed, `Access-Control-Allow-Headers on ${url}`).toEqual(expect.arrayContaining(wanted));
    }
  });
});
