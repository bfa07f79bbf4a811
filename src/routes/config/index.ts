// The /config route group: tenancy (tenants, API keys) and the catalog (catalog/).
import { createRouter } from "../../http/factory";
import { createApiKey, createApiKeyRoute } from "./api-keys-create";
import { getApiKey, getApiKeyRoute } from "./api-keys-get";
import { listApiKeys, listApiKeysRoute } from "./api-keys-list";
import { revokeApiKey, revokeApiKeyRoute } from "./api-keys-revoke";
import { catalogRoutes } from "./catalog";
import { getTenant, getTenantRoute } from "./tenant-get";
import { updateTenant, updateTenantRoute } from "./tenant-update";
import { createTenant, createTenantRoute } from "./tenants-create";
import { listTenants, listTenantsRoute } from "./tenants-list";

export const configRoutes = createRouter()
  .openapi(createTenantRoute, createTenant)
  .openapi(listTenantsRoute, listTenants)
  .openapi(getTenantRoute, getTenant)
  .openapi(updateTenantRoute, updateTenant)
  .openapi(listApiKeysRoute, listApiKeys)
  .openapi(createApiKeyRoute, createApiKey)
  .openapi(getApiKeyRoute, getApiKey)
  .openapi(revokeApiKeyRoute, revokeApiKey)
  .route("/", catalogRoutes);
