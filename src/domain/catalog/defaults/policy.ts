// The default tenant policy: every enabled provider, on-demand only (a spot reclaim ends a
// player's game), sessions of 2 h by default and 8 h at most, and no region slower than 80 ms
// (past that, input lag is noticeable in action games). Budgets stop VMs rather than terminate
// them, so nothing a player saved is lost.
import type { TenantPolicy } from "../schema";

export const DEFAULT_POLICY: TenantPolicy = {
  allowedProviders: null,
  defaultSessionMinutes: 120,
  maxSessionMinutes: 480,
  // Launch cost projections assume at least this long, so short sessions are not underpriced.
  minSessionMinutes: 30,
  idleTimeoutMinutes: 15,
  spotAllowed: false,
  maxRttMs: 80,
  // Regions within 5 ms of the closest are equally good to a player; price decides among them.
  rttToleranceMs: 5,
  defaultBudgetAction: "stop",
  maxSessionsPerPlayer: 1,
};
