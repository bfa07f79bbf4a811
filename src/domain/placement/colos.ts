// Cloudflare data centres ("colos", named by the nearest airport's IATA code, as in
// `request.cf.colo`) with APPROXIMATE city coordinates and country. The last resort before
// "unknown": Cloudflare routes a player to a nearby colo, usually in the same metro or country.
// Hand-compiled for 186 of the largest colos; unknown codes simply fall through.

type Colo = readonly [lat: number, lon: number, country: string];

// biome-ignore format: a compact table reads better than one entry per line
export const COLOS: Readonly<Record<string, Colo>> = {
  // North America
  IAD: [38.95, -77.45, "US"], EWR: [40.69, -74.17, "US"], JFK: [40.64, -73.78, "US"], BOS: [42.36, -71.01, "US"],
  PHL: [39.87, -75.24, "US"], ATL: [33.64, -84.43, "US"], MIA: [25.79, -80.29, "US"], MCO: [28.43, -81.31, "US"],
  TPA: [27.98, -82.53, "US"], CLT: [35.21, -80.94, "US"], ORD: [41.98, -87.9, "US"], DTW: [42.21, -83.35, "US"],
  CMH: [39.99, -82.89, "US"], IND: [39.72, -86.29, "US"], MSP: [44.88, -93.22, "US"], STL: [38.75, -90.37, "US"],
  MCI: [39.3, -94.71, "US"], DFW: [32.9, -97.04, "US"], IAH: [29.98, -95.34, "US"], AUS: [30.19, -97.67, "US"],
  SAT: [29.53, -98.47, "US"], DEN: [39.86, -104.67, "US"], PHX: [33.43, -112.01, "US"], LAS: [36.08, -115.15, "US"],
  SLC: [40.79, -111.98, "US"], LAX: [33.94, -118.41, "US"], SAN: [32.73, -117.19, "US"], SJC: [37.36, -121.93, "US"],
  SFO: [37.62, -122.38, "US"], SMF: [38.7, -121.59, "US"], PDX: [45.59, -122.6, "US"], SEA: [47.45, -122.31, "US"],
  HNL: [21.32, -157.92, "US"], ANC: [61.17, -150.0, "US"], YYZ: [43.68, -79.63, "CA"], YUL: [45.47, -73.74, "CA"],
  YVR: [49.19, -123.18, "CA"], YYC: [51.13, -114.01, "CA"], YOW: [45.32, -75.67, "CA"], YWG: [49.91, -97.24, "CA"],
  MEX: [19.44, -99.07, "MX"], QRO: [20.62, -100.19, "MX"], GDL: [20.52, -103.31, "MX"], MTY: [25.78, -100.11, "MX"],
  PTY: [9.07, -79.38, "PA"], SJO: [9.99, -84.2, "CR"], GUA: [14.58, -90.53, "GT"], SJU: [18.44, -66.0, "PR"],
  // South America
  GRU: [-23.43, -46.47, "BR"], GIG: [-22.81, -43.25, "BR"], POA: [-29.99, -51.17, "BR"], FOR: [-3.78, -38.53, "BR"],
  BSB: [-15.87, -47.92, "BR"], CWB: [-25.53, -49.18, "BR"], EZE: [-34.82, -58.54, "AR"], SCL: [-33.39, -70.79, "CL"],
  LIM: [-12.02, -77.11, "PE"], BOG: [4.7, -74.15, "CO"], MDE: [6.16, -75.42, "CO"], UIO: [-0.13, -78.36, "EC"],
  ASU: [-25.24, -57.52, "PY"], MVD: [-34.84, -56.03, "UY"], CCS: [10.6, -66.99, "VE"],
  // Europe
  LHR: [51.47, -0.45, "GB"], MAN: [53.35, -2.27, "GB"], EDI: [55.95, -3.37, "GB"], DUB: [53.42, -6.27, "IE"],
  CDG: [49.01, 2.55, "FR"], MRS: [43.44, 5.22, "FR"], LYS: [45.73, 5.09, "FR"], FRA: [50.04, 8.56, "DE"],
  DUS: [51.29, 6.77, "DE"], HAM: [53.63, 9.99, "DE"], MUC: [48.35, 11.79, "DE"], TXL: [52.56, 13.29, "DE"],
  AMS: [52.31, 4.77, "NL"], BRU: [50.9, 4.48, "BE"], LUX: [49.63, 6.21, "LU"], ZRH: [47.46, 8.55, "CH"],
  GVA: [46.24, 6.11, "CH"], VIE: [48.11, 16.57, "AT"], MXP: [45.63, 8.72, "IT"], FCO: [41.8, 12.25, "IT"],
  PMO: [38.18, 13.09, "IT"], MAD: [40.47, -3.56, "ES"], BCN: [41.3, 2.08, "ES"], LIS: [38.77, -9.13, "PT"],
  CPH: [55.62, 12.66, "DK"], OSL: [60.19, 11.1, "NO"], ARN: [59.65, 17.92, "SE"], HEL: [60.32, 24.96, "FI"],
  KEF: [63.98, -22.61, "IS"], WAW: [52.17, 20.97, "PL"], PRG: [50.1, 14.26, "CZ"], BUD: [47.44, 19.26, "HU"],
  OTP: [44.57, 26.08, "RO"], SOF: [42.7, 23.41, "BG"], ATH: [37.94, 23.94, "GR"], ZAG: [45.74, 16.07, "HR"],
  BEG: [44.82, 20.31, "RS"], KBP: [50.34, 30.89, "UA"], RIX: [56.92, 23.97, "LV"], VNO: [54.63, 25.29, "LT"],
  TLL: [59.41, 24.83, "EE"], DME: [55.41, 37.91, "RU"], LED: [59.8, 30.26, "RU"], IST: [41.26, 28.74, "TR"],
  TBS: [41.67, 44.95, "GE"], EVN: [40.15, 44.4, "AM"], ALA: [43.35, 77.04, "KZ"],
  // Africa
  JNB: [-26.14, 28.25, "ZA"], CPT: [-33.97, 18.6, "ZA"], DUR: [-29.61, 31.12, "ZA"], LOS: [6.58, 3.32, "NG"],
  ACC: [5.61, -0.17, "GH"], NBO: [-1.32, 36.93, "KE"], MBA: [-4.03, 39.59, "KE"], DAR: [-6.88, 39.2, "TZ"],
  KGL: [-1.97, 30.14, "RW"], ADD: [8.98, 38.8, "ET"], DKR: [14.74, -17.49, "SN"], LAD: [-8.86, 13.23, "AO"],
  MPM: [-25.92, 32.57, "MZ"], CAI: [30.12, 31.41, "EG"], CMN: [33.37, -7.59, "MA"], ALG: [36.69, 3.22, "DZ"],
  TUN: [36.85, 10.23, "TN"], MRU: [-20.43, 57.68, "MU"],
  // Middle East
  TLV: [32.01, 34.89, "IL"], AMM: [31.72, 35.99, "JO"], BEY: [33.82, 35.49, "LB"], DXB: [25.25, 55.36, "AE"],
  FJR: [25.11, 56.32, "AE"], DOH: [25.27, 51.61, "QA"], BAH: [26.27, 50.63, "BH"], KWI: [29.24, 47.97, "KW"],
  MCT: [23.59, 58.28, "OM"], RUH: [24.96, 46.7, "SA"], JED: [21.68, 39.16, "SA"], DMM: [26.47, 49.8, "SA"],
  BGW: [33.26, 44.23, "IQ"],
  // South Asia
  BOM: [19.09, 72.87, "IN"], DEL: [28.56, 77.1, "IN"], MAA: [12.99, 80.17, "IN"], BLR: [13.2, 77.71, "IN"],
  HYD: [17.23, 78.43, "IN"], CCU: [22.65, 88.45, "IN"], KHI: [24.9, 67.17, "PK"], LHE: [31.52, 74.4, "PK"],
  ISB: [33.55, 72.85, "PK"], DAC: [23.84, 90.4, "BD"], CMB: [7.18, 79.88, "LK"], KTM: [27.7, 85.36, "NP"],
  // Southeast and East Asia
  SIN: [1.36, 103.99, "SG"], KUL: [2.75, 101.71, "MY"], CGK: [-6.13, 106.66, "ID"], BKK: [13.69, 100.75, "TH"],
  SGN: [10.82, 106.66, "VN"], HAN: [21.22, 105.81, "VN"], MNL: [14.51, 121.02, "PH"], PNH: [11.55, 104.84, "KH"],
  RGN: [16.91, 96.13, "MM"], HKG: [22.31, 113.92, "HK"], MFM: [22.15, 113.59, "MO"], TPE: [25.08, 121.23, "TW"],
  KHH: [22.58, 120.35, "TW"], NRT: [35.77, 140.39, "JP"], KIX: [34.43, 135.24, "JP"], FUK: [33.59, 130.45, "JP"],
  ICN: [37.46, 126.44, "KR"], PVG: [31.14, 121.81, "CN"], PEK: [40.08, 116.58, "CN"], CAN: [23.39, 113.3, "CN"],
  SZX: [22.64, 113.81, "CN"], CTU: [30.58, 103.95, "CN"], ULN: [47.84, 106.77, "MN"],
  // Oceania
  SYD: [-33.95, 151.18, "AU"], MEL: [-37.67, 144.84, "AU"], BNE: [-27.38, 153.12, "AU"], PER: [-31.94, 115.97, "AU"],
  ADL: [-34.95, 138.53, "AU"], AKL: [-37.01, 174.79, "NZ"], CHC: [-43.49, 172.53, "NZ"], NOU: [-22.01, 166.21, "NC"],
  GUM: [13.48, 144.8, "GU"], SUV: [-18.04, 178.56, "FJ"],
};

export function coloRow(code: string | undefined | null): Colo | undefined {
  if (!code) return undefined;
  const upper = code.toUpperCase();
  return Object.hasOwn(COLOS, upper) ? COLOS[upper] : undefined;
}
