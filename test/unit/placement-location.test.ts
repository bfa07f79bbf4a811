// resolveLocation: explicit > request.cf coordinates > country point > colo > unknown.
import { describe, expect, it } from "vitest";
import { COLOS } from "../../src/domain/placement/colos";
import { COUNTRIES } from "../../src/domain/placement/countries";
import { resolveLocation } from "../../src/domain/placement/location";

describe("resolveLocation", () => {
  it("prefers valid explicit coordinates, keeping a known country", () => {
    const loc = resolveLocation({
      explicit: { lat: 40.4, lon: -3.7 },
      cf: { latitude: "48.8", longitude: "2.3", country: "ES" },
    });
    expect(loc).toEqual({ lat: 40.4, lon: -3.7, source: "explicit", country: "ES" });
  });

  it("ignores request.cf's country for explicit coordinates in another routing group", () => {
    // An operator's backend in the US launching for a player in Porto Alegre.
    const loc = resolveLocation({ explicit: { lat: -30.03, lon: -51.23 }, cf: { country: "US", colo: "IAD" } });
    // The nearest country by centroid (Uruguay's is closer than Brazil's): South America's routing.
    expect(loc).toEqual({ lat: -30.03, lon: -51.23, source: "explicit", country: "UY" });
    expect(COUNTRIES[loc.country ?? ""]?.[2]).toBe(COUNTRIES.BR?.[2]);
    // A country given explicitly is trusted.
    expect(resolveLocation({ explicit: { lat: -30.03, lon: -51.23 }, country: "AR" })).toMatchObject({ country: "AR" });
  });

  it("reads request.cf latitude/longitude as strings", () => {
    expect(resolveLocation({ cf: { latitude: "37.78044", longitude: "-122.39055", country: "US", colo: "SJC" } })).toEqual({
      lat: 37.78044,
      lon: -122.39055,
      source: "cf",
      country: "US",
    });
  });

  it("skips nonsense coordinates: out of range, non-numeric, empty, null island", () => {
    const bad: [unknown, unknown][] = [
      [91, 0],
      [0, -181],
      ["abc", "1"],
      ["", ""],
      ["1e3", "2"],
      [Number.NaN, 1],
      [0, 0],
      ["0", "0.0"],
      [null, undefined],
    ];
    for (const [lat, lon] of bad) {
      expect(resolveLocation({ explicit: { lat, lon } }).source).toBe("unknown");
      expect(resolveLocation({ cf: { latitude: lat, longitude: lon } }).source).toBe("unknown");
    }
  });

  it("falls back to the country's point when coordinates are missing or bad", () => {
    expect(resolveLocation({ cf: { latitude: "x", longitude: "y", country: "de", colo: "FRA" } })).toEqual({
      lat: COUNTRIES.DE?.[0],
      lon: COUNTRIES.DE?.[1],
      source: "country",
      country: "DE",
    });
    // An explicit country argument beats request.cf's.
    expect(resolveLocation({ country: "JP", cf: { country: "US" } })).toMatchObject({ source: "country", country: "JP" });
  });

  it("falls back to the colo when the country is unknown (XX, Tor's T1, missing)", () => {
    for (const country of ["XX", "T1", undefined]) {
      expect(resolveLocation({ cf: { country, colo: "nrt" } })).toEqual({
        lat: COLOS.NRT?.[0],
        lon: COLOS.NRT?.[1],
        source: "colo",
        country: "JP",
      });
    }
  });

  it("is unknown when nothing usable is given", () => {
    expect(resolveLocation({})).toEqual({ lat: null, lon: null, source: "unknown" });
    expect(resolveLocation({ cf: { colo: "ZZZ", country: "XX" } }).source).toBe("unknown");
    expect(resolveLocation({ cf: { colo: "constructor" } }).source).toBe("unknown");
  });

  it("embeds enough reference data, all of it in range", () => {
    expect(Object.keys(COUNTRIES).length).toBeGreaterThanOrEqual(120);
    expect(Object.keys(COLOS).length).toBeGreaterThanOrEqual(100);
    for (const [lat, lon] of [...Object.values(COUNTRIES), ...Object.values(COLOS)]) {
      expect(Math.abs(lat)).toBeLessThanOrEqual(90);
      expect(Math.abs(lon)).toBeLessThanOrEqual(180);
    }
    for (const [, , country] of Object.values(COLOS)) expect(COUNTRIES[country]).toBeDefined();
  });
});
