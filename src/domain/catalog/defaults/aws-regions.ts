// The 32 AWS regions with the city each one serves and its coordinates (city level, a few km off
// at most), generated from the project's shared reference data (regions.csv, provider "aws").
// Keep the values equal to the CSV: change the data there and carry it over here.
//
// Attribution (from that data's SOURCES.md): "Facts gathered from public sources. ...
// AWS: city of each region, with five corrected by hand (Montréal for ca-central-1,
// Querétaro for mx-central-1, ...)."
import type { ProviderRegion } from "../schema";

export const AWS_REGIONS: readonly ProviderRegion[] = [
  { code: "af-south-1", city: "Cape Town", country: "ZA", lat: -33.9249, lon: 18.4241, enabled: true, beaconUrl: null },
  { code: "ap-east-1", city: "Hong Kong", country: "HK", lat: 22.3193, lon: 114.1694, enabled: true, beaconUrl: null },
  { code: "ap-northeast-1", city: "Tokyo", country: "JP", lat: 35.6762, lon: 139.6503, enabled: true, beaconUrl: null },
  { code: "ap-northeast-2", city: "Seoul", country: "KR", lat: 37.5665, lon: 126.978, enabled: true, beaconUrl: null },
  { code: "ap-northeast-3", city: "Osaka", country: "JP", lat: 34.6937, lon: 135.5023, enabled: true, beaconUrl: null },
  { code: "ap-south-1", city: "Mumbai", country: "IN", lat: 19.076, lon: 72.8777, enabled: true, beaconUrl: null },
  { code: "ap-south-2", city: "Hyderabad", country: "IN", lat: 17.385, lon: 78.4867, enabled: true, beaconUrl: null },
  { code: "ap-southeast-1", city: "Singapore", country: "SG", lat: 1.3521, lon: 103.8198, enabled: true, beaconUrl: null },
  { code: "ap-southeast-2", city: "Sydney", country: "AU", lat: -33.8688, lon: 151.2093, enabled: true, beaconUrl: null },
  { code: "ap-southeast-3", city: "Jakarta", country: "ID", lat: -6.2088, lon: 106.8456, enabled: true, beaconUrl: null },
  { code: "ap-southeast-4", city: "Melbourne", country: "AU", lat: -37.8136, lon: 144.9631, enabled: true, beaconUrl: null },
  { code: "ap-southeast-5", city: "Kuala Lumpur", country: "MY", lat: 3.139, lon: 101.6869, enabled: true, beaconUrl: null },
  { code: "ap-southeast-7", city: "Bangkok", country: "TH", lat: 13.7563, lon: 100.5018, enabled: true, beaconUrl: null },
  { code: "ca-central-1", city: "Montréal", country: "CA", lat: 45.5088, lon: -73.5878, enabled: true, beaconUrl: null },
  { code: "ca-west-1", city: "Calgary", country: "CA", lat: 51.0447, lon: -114.0719, enabled: true, beaconUrl: null },
  { code: "eu-central-1", city: "Frankfurt", country: "DE", lat: 50.1109, lon: 8.6821, enabled: true, beaconUrl: null },
  { code: "eu-central-2", city: "Zurich", country: "CH", lat: 47.3769, lon: 8.5417, enabled: true, beaconUrl: null },
  { code: "eu-north-1", city: "Stockholm", country: "SE", lat: 59.3293, lon: 18.0686, enabled: true, beaconUrl: null },
  { code: "eu-south-1", city: "Milan", country: "IT", lat: 45.4642, lon: 9.19, enabled: true, beaconUrl: null },
  { code: "eu-south-2", city: "Zaragoza (Aragón)", country: "ES", lat: 41.6561, lon: -0.8773, enabled: true, beaconUrl: null },
  { code: "eu-west-1", city: "Dublin", country: "IE", lat: 53.3498, lon: -6.2603, enabled: true, beaconUrl: null },
  { code: "eu-west-2", city: "London", country: "GB", lat: 51.5074, lon: -0.1278, enabled: true, beaconUrl: null },
  { code: "eu-west-3", city: "Paris", country: "FR", lat: 48.8566, lon: 2.3522, enabled: true, beaconUrl: null },
  { code: "il-central-1", city: "Tel Aviv", country: "IL", lat: 32.0853, lon: 34.7818, enabled: true, beaconUrl: null },
  { code: "me-central-1", city: "Dubai", country: "AE", lat: 25.2048, lon: 55.2708, enabled: true, beaconUrl: null },
  { code: "me-south-1", city: "Manama", country: "BH", lat: 26.2285, lon: 50.586, enabled: true, beaconUrl: null },
  { code: "mx-central-1", city: "Querétaro", country: "MX", lat: 20.5881, lon: -100.3881, enabled: true, beaconUrl: null },
  { code: "sa-east-1", city: "São Paulo", country: "BR", lat: -23.5558, lon: -46.6396, enabled: true, beaconUrl: null },
  { code: "us-east-1", city: "Ashburn", country: "US", lat: 39.0458, lon: -77.4874, enabled: true, beaconUrl: null },
  { code: "us-east-2", city: "Columbus", country: "US", lat: 39.9612, lon: -82.9988, enabled: true, beaconUrl: null },
  { code: "us-west-1", city: "San Jose, CA", country: "US", lat: 37.3394, lon: -121.895, enabled: true, beaconUrl: null },
  { code: "us-west-2", city: "Boardman, OR", country: "US", lat: 45.8399, lon: -119.7006, enabled: true, beaconUrl: null },
];
