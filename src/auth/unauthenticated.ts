// 401 answers carry `WWW-Authenticate: Bearer` (RFC 6750) so clients know how to authenticate.
import { ApiError } from "../http/errors";

export function unauthenticated(detail: string, invalidToken = true): ApiError {
  const challenge = invalidToken ? 'Bearer realm="gamer-provisioner", error="invalid_token"' : 'Bearer realm="gamer-provisioner"';
  return new ApiError("UNAUTHENTICATED", detail, { headers: { "WWW-Authenticate": challenge } });
}
