// Great-circle geometry and the cell that keys learned latency corrections. Pure.

const EARTH_RADIUS_KM = 6371.0088; // mean radius (IUGG)
const RAD = Math.PI / 180;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Haversine great-circle distance in km (accurate to ~0.5%: the Earth is not a sphere). */
export function distanceKm(a: LatLon, b: LatLon): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function isValidLatLon(lat: unknown, lon: unknown): boolean {
  return (
    typeof lat === "number" &&
    typeof lon === "number" &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    lat >= -90 &&
    lat <= 90 &&
    lon >= -180 &&
    lon <= 180
  );
}

const BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

/** Precision 3: cells of about 156 x 156 km at the equator (narrower towards the poles). */
export const CELL_PRECISION = 3;

/**
 * The cell learned corrections are keyed by: a geohash of precision 3. Why a geohash: it is a
 * standard, self-describing string any client or SQL query can compute, and ~156 km is about
 * the size of a metro area plus its access network (players in one cell share the same paths
 * to a region to within a few ms, while 1 ms of RTT is only 100 km of fibre).
 */
export function cellOf(lat: number, lon: number, precision = CELL_PRECISION): string {
  let latLo = -90;
  let latHi = 90;
  let lonLo = -180;
  let lonHi = 180;
  let hash = "";
  let bits = 0;
  let value = 0;
  let evenBit = true; // geohash interleaves bits starting with longitude
  while (hash.length < precision) {
    if (evenBit) {
      const mid = (lonLo + lonHi) / 2;
      value = value * 2 + (lon >= mid ? 1 : 0);
      if (lon >= mid) lonLo = mid;
      else lonHi = mid;
    } else {
      const mid = (latLo + latHi) / 2;
      value = value * 2 + (lat >= mid ? 1 : 0);
      if (lat >= mid) latLo = mid;
      else latHi = mid;
    }
    evenBit = !evenBit;
    if (++bits === 5) {
      hash += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return hash;
}
