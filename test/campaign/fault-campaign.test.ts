// The fault campaign, small (part of `npm test`): a few dozen launches over two tenants with every
// fault injected, then the scheduled jobs; every invariant must hold. The full-size run is
// `npm run bench:faults` (bench/faults/). See test/support/fault-campaign.ts for what is checked.
import { describe, expect, it } from "vitest";
import { type CampaignCheck, formatCampaign, runFaultCampaign } from "../support/fault-campaign";

const failing = (c: CampaignCheck) => !c.ok;

describe("fault campaign", () => {
  it("survives failing calls, an exhausted region, stuck instances, silent agents, interruptions and a Store outage", {
    timeout: 180_000,
  }, async () => {
    const result = await runFaultCampaign({ launches: 36, tenants: 2, seed: 8, directVms: 6, giveUpMs: 3_000, settleMs: 40_000 });
    expect(
      result.checks.filter(failing).map((c) => c.name),
      formatCampaign(result),
    ).toEqual([]);
  });
});
