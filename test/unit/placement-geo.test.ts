// Great-circle distance and the cell id that keys learned corrections.
import { describe, expect, it } from "vitest";
import { cellOf, distanceKm, isValidLatLon } from "../../src/domain/placement/geo";

const PARIS = { lat: 48.8566, lon: 2.3522 };
const LONDON = { lat: 51.5074, lon: -0.1278 };

describe("distanceKm", () => {
  it("matches known city distances", () => {
    expect(distanceKm(PARIS, LONDON)).toBeCloseTo(344, -1);
    expect(distanceKm({ lat: 40.6413, lon: -73.7781 }, { lat: 51.47, lon: -0.4543 })).toBeCloseTo(5555, -2); // JFK-LHR
  });

  it("is zero to itself, symmetric, and half the circumference to the antipode", () => {
    expect(distanceKm(PARIS, PARIS)).toBe(0);
    expect(distanceKm(PARIS, LONDON)).toBe(distanceKm(LONDON, PARIS));
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(20_015, -1);
  });

  it("crosses the antimeridian the short way", () => {
    expect(distanceKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 })).toBeCloseTo(111, 0);
  });
});

describe("isValidLatLon", () => {
  it("accepts the inclusive ranges and rejects the rest", () => {
    expect(isValidLatLon(90, 180)).toBe(true);
    expect(isValidLatLon(-90, -180)).toBe(true);
    for (const [lat, lon] of [
      [90.1, 0],
      [0, 180.1],
      [Number.NaN, 0],
      [0, Number.POSITIVE_INFINITY],
      ["1", 2],
    ]) {
      expect(isValidLatLon(lat, lon)).toBe(false);
    }
  });
});

describe("cellOf", () => {
  it("is the standard geohash of precision 3", () => {
    expect(cellOf(57.64911, 10.40744)).toBe("u4p"); // the reference example, u4pruydqqvj
    expect(cellOf(PARIS.lat, PARIS.lon)).toBe("u09");
    expect(cellOf(57.64911, 10.40744, 11)).toBe("u4pruydqqvj");
  });

  it("gives nearby points the same cell and distant ones different cells", () => {
    expect(cellOf(48.85, 2.35)).toBe(cellOf(48.9, 2.4));
    expect(cellOf(PARIS.lat, PARIS.lon)).not.toBe(cellOf(LONDON.lat, LONDON.lon));
  });

  it("handles the corners of the map", () => {
    expect(cellOf(90, 180)).toBe("zzz");
    expect(cellOf(-90, -180)).toBe("000");
  });
});
