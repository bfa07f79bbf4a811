// Accepts a sane incoming X-Request-Id (word characters, '-' and '=', at most 128) so callers
// can correlate across systems; anything else is replaced by a fresh id. Echoed on every response.
import { requestId as honoRequestId } from "hono/request-id";

export const REQUEST_ID_HEADER = "X-Request-Id";

export function newRequestId(): string {
  return `req_${crypto.randomUUID().replaceAll("-", "")}`;
}

export const requestId = () => honoRequestId({ headerName: REQUEST_ID_HEADER, limitLength: 128, generator: newRequestId });
