// Runs in Node before the workerd test pool starts: a fake EC2 Query API endpoint
// (test/support/fake-ec2.mjs) in its own process, provided to tests as `ec2Endpoint` — a base URL
// the AWS adapter appends `<region>/` to (see src/providers/aws/ec2-client.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    ec2Endpoint: string;
  }
}

let server: ChildProcess | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const script = fileURLToPath(new URL("./support/fake-ec2.mjs", import.meta.url));
  server = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("fake EC2 server did not start within 10 s")), 10_000);
    server?.once("exit", (code) => reject(new Error(`fake EC2 server exited with ${code}`)));
    let output = "";
    server?.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  project.provide("ec2Endpoint", `http://127.0.0.1:${port}/`);
  return async () => {
    server?.kill("SIGTERM");
  };
}
