// Where is the player? From the best evidence we have, in order: coordinates the client sent,
// Cloudflare's geolocation of the request (request.cf), the country's point, the Cloudflare
// colo that took the request, else unknown. Pure: the caller passes the fields in.
import { coloRow } from "./colos";
import { countryRow, nearestCountry } from "./countries";
import { isValidLatLon } from "./geo";

export type LocationSource = "explicit" | "cf" | "country" | "colo" | "unknown";

export type ResolvedLocation =
  | { lat: number; lon: number; source: Exclude<LocationSource, "unknown">; country?: string }
  | { lat: null; lon: null; source: "unknown"; country?: string };

/** The parts of `request.cf` we read. Workers give latitude/longitude as STRINGS. */
export interface CfLocationFields {
  latitude?: unknown;
  longitude?: unknown;
  country?: unknown;
  colo?: unknown;
}

export interface LocationInput {
  /** Coordinates the client sent (e.g. from the OS); used only when valid. */
  explicit?: { lat: unknown; lon: unknown } | null;
  cf?: CfLocationFields | null;
  /** A country code known some other way (account, header); request.cf.country otherwise. */
  country?: string | null;
}

const DECIMAL = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/;

/** A coordinate from a number or a decimal string; anything else (``, `abc`, `1e3`, NaN) is null. */
function coordinate(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && DECIMAL.test(value)) return Number(value);
  return null;
}

/** Valid range and not "null island" (0, 0): what a failed geolocation reports, where nobody plays. */
function point(lat: unknown, lon: unknown): { lat: number; lon: number } | null {
  const la = coordinate(lat);
  const lo = coordinate(lon);
  if (la === null || lo === null || !isValidLatLon(la, lo)) return null;
  if (la === 0 && lo === 0) return null;
  return { lat: la, lon: lo };
}

/**
 * The country of explicit coordinates. request.cf describes whoever made the request — with an
 * operator's backend launching for players worldwide, not the player — so its country is kept
 * only when it lies in the same routing group as the coordinates (a player's own device);
 * otherwise the coordinates' nearest country decides. A country given explicitly is trusted.
 */
function explicitCountry(at: { lat: number; lon: number }, input: LocationInput): { country?: string } {
  const given = knownCountry(input.country);
  if (given) return { country: given };
  const cf = knownCountry(input.cf?.country);
  const near = nearestCountry(at.lat, at.lon);
  if (cf && countryRow(cf)?.[2] === countryRow(near)?.[2]) return { country: cf };
  return { country: near };
}

/** Only codes we know (this also drops Cloudflare's "XX" unknown and "T1" Tor). */
function knownCountry(code: unknown): string | undefined {
  return typeof code === "string" && countryRow(code) ? code.toUpperCase() : undefined;
}

export function resolveLocation(input: LocationInput): ResolvedLocation {
  const country = knownCountry(input.country) ?? knownCountry(input.cf?.country);
  const withCountry = country ? { country } : {};
  const explicit = input.explicit ? point(input.explicit.lat, input.explicit.lon) : null;
  if (explicit) return { ...explicit, source: "explicit", ...explicitCountry(explicit, input) };
  const cf = input.cf ? point(input.cf.latitude, input.cf.longitude) : null;
  if (cf) return { ...cf, source: "cf", ...withCountry };
  const centroid = countryRow(country);
  if (centroid) return { lat: centroid[0], lon: centroid[1], source: "country", ...withCountry };
  const colo = typeof input.cf?.colo === "string" ? coloRow(input.cf.colo) : undefined;
  if (colo) return { lat: colo[0], lon: colo[1], source: "colo", country: colo[2] };
  return { lat: null, lon: null, source: "unknown" };
}
