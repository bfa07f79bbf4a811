// Runs in Node before the workerd test pool starts: gives the tests a MongoDB to talk to.
// With MONGODB_URI set (a real cluster, e.g. Atlas via a seed-list URI), that is used as is;
// otherwise a MongoDB-wire-compatible test server (CongoDB) is started in its own process.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
    mongoDatabase: string;
  }
}

let server: ChildProcess | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URI;
  // A database per run, so a real cluster never mixes runs.
  project.provide("mongoDatabase", process.env.MONGODB_DATABASE ?? `gp_test_${Date.now().toString(36)}`);
  if (external) {
    project.provide("mongoUri", external);
    return async () => {};
  }
  const script = fileURLToPath(new URL("./support/mongo-test-server.mjs", import.meta.url));
  server = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("MongoDB test server did not start within 20 s")), 20_000);
    server?.once("exit", (code) => reject(new Error(`MongoDB test server exited with ${code}`)));
    server?.stdout?.on("data", (chunk: Buffer) => {
      const match = /READY (\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  project.provide("mongoUri", `mongodb://127.0.0.1:${port}/?directConnection=true`);
  return async () => {
    server?.kill("SIGTERM");
  };
}
