// What one placement decision costs: placeLaunch over the full default catalog (32 regions x
// every instance type, eligibility included), for players spread over the world. Pure CPU.
import { bench, describe } from "vitest";
import { defaultCatalog } from "../src/domain/catalog/defaults";
import { eligibleOffers } from "../src/domain/catalog/eligibility";
import { type PlayerInput, placeLaunch, resolveLocation } from "../src/domain/placement";
import { COLOS } from "../src/domain/placement/colos";
import { COUNTRIES } from "../src/domain/placement/countries";

const catalog = defaultCatalog();
// A loose policy so every launch ranks all 32 regions instead of stopping at the RTT cap.
catalog.policy.maxRttMs = 1000;
const LAUNCHES = 10_000;

// Deterministic spread: country points, colos and jittered cf coordinates, some with pings.
let seed = 42;
function random(): number {
  seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0; // Numerical Recipes LCG
  return seed / 2 ** 32;
}
const countries = Object.keys(COUNTRIES);
const colos = Object.keys(COLOS);
function player(i: number): PlayerInput {
  const country = countries[i % countries.length] as string;
  const [lat, lon] = COUNTRIES[country] as readonly [number, number, string];
  const location =
    i % 3 === 0
      ? resolveLocation({ country })
      : i % 3 === 1
        ? resolveLocation({ cf: { colo: colos[i % colos.length] } })
        : resolveLocation({
            cf: { latitude: String(lat + random() * 4 - 2), longitude: String(lon + random() * 4 - 2), country },
          });
  const pings = i % 5 === 0 ? [{ provider: "simulated", region: "us-east-1", rttMs: 20 + random() * 200 }] : [];
  return { location, pings };
}
const players = Array.from({ length: LAUNCHES }, (_, i) => player(i));

// What a caller caching eligibility per catalog version passes (see PlacementInput.offers).
const offers = eligibleOffers(catalog, "pcsx2");

let next = 0;
describe("placement", () => {
  bench("placeLaunch, one player (per decision)", () => {
    placeLaunch({ catalog, emulatorId: "pcsx2", players: [players[next++ % LAUNCHES] as PlayerInput] });
  });
  bench("placeLaunch, one player, eligibility cached (per decision)", () => {
    placeLaunch({ catalog, emulatorId: "pcsx2", players: [players[next++ % LAUNCHES] as PlayerInput], offers });
  });
  bench("placeLaunch, party of 4 (per decision)", () => {
    const party = [0, 1, 2, 3].map(() => players[next++ % LAUNCHES] as PlayerInput);
    placeLaunch({ catalog, emulatorId: "pcsx2", players: party });
  });
  bench(
    `${LAUNCHES} launches, one player each (divide by ${LAUNCHES} for per decision)`,
    () => {
      for (const p of players) placeLaunch({ catalog, emulatorId: "pcsx2", players: [p] });
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
