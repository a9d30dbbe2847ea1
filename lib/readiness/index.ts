// Launch readiness: the checks behind the Readiness page and `npm run doctor`.
export {
  runReadinessChecks,
  summarize,
  databaseLocation,
  READINESS_CHECKS,
  type ReadinessOptions,
  type ReadinessSummary,
} from "./run";
export { CHECK_GROUPS, GROUP_TITLES, DatabaseUnavailable } from "./types";
export type { CheckGroup, CheckStatus, DbAccess, DnsResolver, NetworkTarget, ReadinessCheck } from "./types";
export {
  readinessForPage,
  rerunNetworkChecks,
  NETWORK_GROUPS,
  NETWORK_CHECKS_TTL_MS,
  type CachedReadiness,
} from "./cache";
