// Helpers that set up tenants and keys through the API itself, as an operator would.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { call } from "./http";

export const ROOT_KEY = env.ROOT_API_KEY as string;

export const bearer = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

export function jsonRequest(
  method: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: {
      ...(token ? bearer(token) : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

export interface TestTenant {
  id: string;
  adminToken: string;
  adminKeyId: string;
}

type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

export async function createTenant(name = "Test tenant", fetcher: Fetcher = call): Promise<TestTenant> {
  const res = await fetcher("/config/tenants", jsonRequest("POST", ROOT_KEY, { name }));
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const body = JSON.parse(text) as { tenant: { id: string }; adminKey: { id: string; token: string } };
  return { id: body.tenant.id, adminToken: body.adminKey.token, adminKeyId: body.adminKey.id };
}

export async function createKey(
  adminToken: string,
  body: Record<string, unknown>,
  fetcher: Fetcher = call,
): Promise<{ id: string; token: string; [key: string]: unknown }> {
  const res = await fetcher("/config/api-keys", jsonRequest("POST", adminToken, body));
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text);
}
