// Where a country's players are, for when we know nothing finer, and which routing group it
// belongs to (see detours.ts). Coordinates are APPROXIMATE (to ~1 degree) and, for large
// countries, a population centre rather than the geometric centroid (the US point is in
// Missouri, not Kansas; Canada's sits on the Toronto-Montreal corridor; Russia's near Moscow;
// Australia's between Sydney and Melbourne), because players live where people do.
// Hand-compiled from general geographic knowledge; 181 ISO 3166-1 alpha-2 codes, including
// every country where the shared regions.csv has a cloud region.

/** Routing groups: countries whose international traffic takes the same cables. */
export type RouteGroup = "na" | "sa" | "eu" | "il" | "me" | "af" | "in" | "sea" | "ea" | "oc";

type Row = readonly [lat: number, lon: number, group: RouteGroup];

// North Africa, Turkey, the Caucasus and Central Asia route through Europe, so they are "eu";
// Vietnam and the Philippines have direct cables to Hong Kong and Japan, so they are "ea".
// biome-ignore format: a compact table reads better than 181 lines of one entry each
export const COUNTRIES: Readonly<Record<string, Row>> = {
  // North America, Central America, the Caribbean
  US: [37.5, -92.2, "na"], CA: [45.4, -76.5, "na"], MX: [20.5, -100.0, "na"], GT: [14.6, -90.5, "na"],
  BZ: [17.2, -88.5, "na"], SV: [13.7, -89.2, "na"], HN: [14.8, -87.0, "na"], NI: [12.5, -85.8, "na"],
  CR: [9.9, -84.1, "na"], PA: [9.0, -79.5, "na"], CU: [22.0, -79.5, "na"], JM: [18.1, -77.3, "na"],
  HT: [18.9, -72.5, "na"], DO: [18.7, -70.2, "na"], PR: [18.3, -66.4, "na"], BS: [25.0, -77.4, "na"],
  TT: [10.5, -61.3, "na"], BB: [13.2, -59.5, "na"], GL: [64.2, -51.7, "na"], BM: [32.3, -64.8, "na"],
  // South America
  BR: [-19.5, -45.5, "sa"], AR: [-34.0, -61.0, "sa"], CL: [-33.5, -70.7, "sa"], CO: [5.5, -74.5, "sa"],
  PE: [-11.0, -76.5, "sa"], VE: [9.0, -67.0, "sa"], EC: [-1.5, -78.5, "sa"], BO: [-17.0, -65.0, "sa"],
  PY: [-25.3, -57.5, "sa"], UY: [-34.6, -56.2, "sa"], GY: [6.0, -58.5, "sa"], SR: [5.0, -55.5, "sa"],
  // Europe
  GB: [52.5, -1.5, "eu"], IE: [53.2, -7.5, "eu"], FR: [46.8, 2.4, "eu"], DE: [51.0, 9.5, "eu"],
  NL: [52.2, 5.3, "eu"], BE: [50.7, 4.6, "eu"], LU: [49.7, 6.1, "eu"], CH: [47.0, 8.2, "eu"],
  AT: [47.8, 14.5, "eu"], IT: [43.5, 12.0, "eu"], ES: [40.3, -3.7, "eu"], PT: [39.5, -8.3, "eu"],
  DK: [55.8, 10.5, "eu"], NO: [60.5, 9.0, "eu"], SE: [59.0, 16.0, "eu"], FI: [61.5, 25.0, "eu"],
  IS: [64.5, -21.0, "eu"], PL: [52.0, 19.4, "eu"], CZ: [49.8, 15.5, "eu"], SK: [48.7, 19.5, "eu"],
  HU: [47.2, 19.4, "eu"], SI: [46.1, 14.8, "eu"], HR: [45.5, 16.0, "eu"], BA: [44.0, 17.8, "eu"],
  RS: [44.3, 20.8, "eu"], ME: [42.7, 19.3, "eu"], MK: [41.6, 21.7, "eu"], AL: [41.2, 20.0, "eu"],
  GR: [38.5, 23.0, "eu"], BG: [42.7, 25.3, "eu"], RO: [45.5, 25.5, "eu"], MD: [47.2, 28.5, "eu"],
  UA: [49.0, 31.5, "eu"], BY: [53.7, 27.9, "eu"], LT: [55.2, 24.0, "eu"], LV: [56.9, 24.6, "eu"],
  EE: [58.9, 25.0, "eu"], RU: [55.0, 40.0, "eu"], MT: [35.9, 14.4, "eu"], CY: [35.0, 33.2, "eu"],
  TR: [39.5, 32.0, "eu"], GE: [42.0, 43.5, "eu"], AM: [40.2, 44.8, "eu"], AZ: [40.3, 48.5, "eu"],
  KZ: [46.5, 68.0, "eu"], UZ: [41.0, 66.5, "eu"], TM: [39.0, 59.5, "eu"], KG: [41.5, 74.5, "eu"],
  TJ: [38.8, 70.5, "eu"], AD: [42.5, 1.6, "eu"], MC: [43.7, 7.4, "eu"], LI: [47.2, 9.5, "eu"],
  // North Africa (routes through Europe)
  MA: [33.0, -6.5, "eu"], DZ: [35.5, 3.0, "eu"], TN: [35.5, 10.0, "eu"], LY: [31.5, 15.5, "eu"],
  EG: [29.5, 31.0, "eu"], LB: [33.9, 35.8, "eu"],
  // Israel and Palestine: cables go to Europe, not to the Gulf
  IL: [32.0, 34.9, "il"], PS: [31.9, 35.2, "il"],
  // Middle East (Gulf, Levant east of Israel, Iran, Iraq)
  AE: [24.6, 54.8, "me"], SA: [24.0, 45.0, "me"], QA: [25.3, 51.2, "me"], BH: [26.1, 50.6, "me"],
  KW: [29.3, 47.8, "me"], OM: [22.5, 57.5, "me"], YE: [15.5, 46.0, "me"], JO: [31.5, 36.0, "me"],
  SY: [34.8, 38.5, "me"], IQ: [33.0, 44.0, "me"], IR: [34.0, 52.0, "me"],
  // Sub-Saharan Africa
  ZA: [-27.5, 27.0, "af"], NG: [8.5, 7.5, "af"], KE: [-0.5, 37.0, "af"], GH: [7.0, -1.2, "af"],
  ET: [9.0, 39.5, "af"], TZ: [-6.5, 35.0, "af"], UG: [1.0, 32.5, "af"], RW: [-2.0, 30.0, "af"],
  SN: [14.5, -15.5, "af"], CI: [6.8, -5.3, "af"], CM: [5.0, 11.5, "af"], AO: [-11.5, 17.5, "af"],
  ZM: [-14.0, 27.8, "af"], ZW: [-18.5, 30.0, "af"], MZ: [-18.0, 35.0, "af"], NA: [-22.0, 17.0, "af"],
  BW: [-22.5, 24.5, "af"], MG: [-19.5, 46.5, "af"], MU: [-20.3, 57.6, "af"], SD: [15.0, 31.0, "af"],
  CD: [-4.0, 22.0, "af"], ML: [14.0, -5.0, "af"], BF: [12.3, -1.6, "af"], NE: [14.0, 7.0, "af"],
  TD: [12.5, 17.5, "af"], SO: [4.0, 45.5, "af"], MW: [-13.5, 34.0, "af"], BJ: [8.5, 2.3, "af"],
  TG: [8.0, 1.1, "af"], GA: [-0.6, 11.6, "af"], CG: [-1.0, 15.5, "af"], LR: [6.5, -9.5, "af"],
  SL: [8.5, -11.8, "af"], GN: [10.5, -10.5, "af"], MR: [20.0, -10.5, "af"], LS: [-29.5, 28.2, "af"],
  SZ: [-26.5, 31.5, "af"], DJ: [11.6, 43.1, "af"], ER: [15.3, 39.0, "af"], SS: [7.0, 30.0, "af"],
  // South Asia
  IN: [22.5, 79.0, "in"], PK: [30.0, 70.5, "in"], BD: [23.7, 90.3, "in"], LK: [7.5, 80.7, "in"],
  NP: [28.0, 84.5, "in"], AF: [34.0, 67.0, "in"], BT: [27.4, 90.4, "in"], MV: [3.2, 73.2, "in"],
  // Southeast Asia (reaches the world through Singapore)
  SG: [1.35, 103.82, "sea"], MY: [3.5, 102.0, "sea"], ID: [-6.5, 108.0, "sea"], TH: [14.5, 100.8, "sea"],
  KH: [12.0, 105.0, "sea"], MM: [19.0, 96.5, "sea"], LA: [18.0, 103.0, "sea"], BN: [4.5, 114.7, "sea"],
  TL: [-8.8, 125.7, "sea"],
  // East Asia
  CN: [32.0, 114.0, "ea"], JP: [35.5, 137.0, "ea"], KR: [36.8, 127.5, "ea"], KP: [39.5, 126.5, "ea"],
  TW: [24.0, 121.0, "ea"], HK: [22.35, 114.15, "ea"], MO: [22.2, 113.55, "ea"], MN: [47.9, 106.9, "ea"],
  VN: [16.0, 106.5, "ea"], PH: [13.0, 122.0, "ea"],
  // Oceania
  AU: [-34.0, 148.0, "oc"], NZ: [-39.5, 175.0, "oc"], PG: [-6.5, 146.0, "oc"], FJ: [-17.8, 178.0, "oc"],
  NC: [-21.5, 165.5, "oc"], PF: [-17.6, -149.5, "oc"], WS: [-13.8, -172.0, "oc"], TO: [-21.2, -175.2, "oc"],
  GU: [13.45, 144.8, "oc"], VU: [-16.0, 167.5, "oc"], SB: [-9.5, 160.0, "oc"],
};

const COUNTRY_CODES = Object.keys(COUNTRIES);

export function countryRow(code: string | undefined | null): Row | undefined {
  if (!code) return undefined;
  const upper = code.toUpperCase();
  return Object.hasOwn(COUNTRIES, upper) ? COUNTRIES[upper] : undefined;
}

/** The group of the country whose point is nearest: good enough away from borders. */
export function nearestCountry(lat: number, lon: number): string {
  let best = "US";
  let bestScore = Number.POSITIVE_INFINITY;
  const cosLat = Math.cos((lat * Math.PI) / 180);
  for (const code of COUNTRY_CODES) {
    const row = COUNTRIES[code] as Row;
    // Equirectangular distance: monotone enough for picking the nearest, and 10x cheaper.
    let dLon = Math.abs(row[1] - lon);
    if (dLon > 180) dLon = 360 - dLon;
    const score = (row[0] - lat) ** 2 + (dLon * cosLat) ** 2;
    if (score < bestScore) {
      bestScore = score;
      best = code;
    }
  }
  return best;
}
