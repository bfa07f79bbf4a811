// `npm run bench:faults`: the fault campaign at full size (300 launches over 6 tenants by default),
// printed as a table of figures and checks; the run fails when a check fails. Not part of
// `npm test` (vitest.config.ts includes only test/**). See test/support/fault-campaign.ts.
import { describe, expect, inject, it } from "vitest";
import { formatCampaign, runFaultCampaign } from "../../test/support/fault-campaign";

describe("fault campaign (bench)", () => {
  it("holds every invariant under injected faults", async () => {
    const size = inject("faultCampaign");
    const result = await runFaultCampaign({
      ...size,
      settleMs: 120_000,
      log: (line) => console.log(line),
    });
    console.log(`\n${formatCampaign(result)}\n`);
    const failed = result.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed, "failed checks (see the table above)").toEqual([]);
  });
});
