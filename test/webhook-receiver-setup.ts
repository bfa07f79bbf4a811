// Runs in Node before the workerd test pool starts: a tiny HTTP receiver for webhook deliveries,
// provided to tests as `webhookReceiver` (http://127.0.0.1:<port>, allowed by the endpoint URL rule).
// Test files run in parallel, so each test points its endpoint at its own path and reads only it.
//
//   POST <any path>                      a delivery: recorded; answered 200, or 500 while failures are owed
//   GET  /__requests?path=/hooks/x       the deliveries received at that path (all when omitted)
//   POST /__fail?path=/hooks/x&count=N   answer the next N deliveries at that path with 500
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    webhookReceiver: string;
  }
}

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  receivedAt: number;
}

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const received: ReceivedWebhook[] = [];
  const failuresOwed = new Map<string, number>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = await readBody(req);
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === "/__requests") {
      const path = url.searchParams.get("path");
      return json(
        200,
        received.filter((r) => path === null || r.path === path),
      );
    }
    if (url.pathname === "/__fail") {
      failuresOwed.set(url.searchParams.get("path") ?? "", Number(url.searchParams.get("count") ?? "1"));
      return json(200, { ok: true });
    }
    const owed = failuresOwed.get(url.pathname) ?? 0;
    const status = owed > 0 ? 500 : 200;
    if (owed > 0) failuresOwed.set(url.pathname, owed - 1);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers[name] = value;
    received.push({ method: req.method ?? "", path: url.pathname, headers, body, status, receivedAt: Date.now() });
    return json(status, { received: status === 200 });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  project.provide("webhookReceiver", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
