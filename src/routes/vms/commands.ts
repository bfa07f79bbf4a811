// POST /vms/{id}/start, POST /vms/{id}/stop and DELETE /vms/{id} (terminate): commands to the
// VM's actor. 202 with the VM; 409 naming the current state when the command does not apply.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { VmIdParamSchema, VmSchema } from "./schema";

const COMMANDS = [
  {
    type: "start",
    operationId: "startVm",
    method: "post",
    path: "/vms/{id}/start",
    summary: "Start a stopped VM",
    description: "Starts a stopped VM; it is `running` again once its agent reports ready. Repeating it is a no-op.",
  },
  {
    type: "stop",
    operationId: "stopVm",
    method: "post",
    path: "/vms/{id}/stop",
    summary: "Stop a VM",
    description: "Stops the instance; its disk is kept (and billed) so it can be started again. Repeating it is a no-op.",
  },
  {
    type: "terminate",
    operationId: "terminateVm",
    method: "delete",
    path: "/vms/{id}",
    summary: "Terminate a VM",
    description: "Terminates the instance and ends the VM for good; repeating it is a no-op. The VM stays listed as terminated.",
  },
] as const;

export function registerCommands(router: OpenAPIHono<AppEnv>): void {
  for (const command of COMMANDS) {
    const route = createRoute({
      method: command.method,
      path: command.path,
      operationId: command.operationId,
      tags: ["vms"],
      summary: command.summary,
      description: `${command.description} 409 when the VM's state does not allow it. Scope \`operator\`.`,
      ...guarded({ scopes: ["operator"] }),
      request: { params: VmIdParamSchema },
      responses: {
        202: { description: "Accepted; the VM as it is now", content: { "application/json": { schema: VmSchema } } },
        ...errorResponses(400, 401, 403, 404, 409, 429, 503),
      },
    });
    router.openapi(route, async (c) => {
      const { tenantId } = tenantPrincipal(c);
      const answer = await c.get("services").vmActors(c.req.valid("param").id).command(tenantId, command.type);
      if (!answer.ok) throw new ApiError(answer.status === 404 ? "NOT_FOUND" : "CONFLICT", answer.message);
      return c.json(answer.view, 202);
    });
  }
}
