// The API version is the package version, so `GET /` and the OpenAPI document never drift.
import pkg from "../package.json";

export const VERSION: string = pkg.version;
export const SERVICE_NAME = "provisioner-api" as const;
export const API_TITLE = "Gamer Provisioner API";
