// The unified identity: one customer per app user, and one identity row per external id, with how
// each link was made (`id` from our own reference, `email` when only an email matched: unverified).
// Reads: ./identity-lookups.ts; linking external ids: ./identity-links.ts; payers the app has not announced
// yet, their claims and merges: ./provisional-customers.ts. Every importer keeps importing from here.

// The app user's own upsert lives in ./app-customers (a prepared statement per input shape).
export { type AppUserFields, upsertAppCustomer, upsertAppCustomerCounting } from "./app-customers";
export {
  appCustomersByEmail,
  type CarriedProjection,
  customerByAppUserId,
  customerByEmail,
  customerByIdentity,
  customerIdsByExternalIds,
  customerProjectionRow,
  customerWithEntitlement,
  identityLink,
  identityOf,
} from "./identity-lookups";
export {
  deleteIdentity,
  type LinkOutcome,
  linkIdentity,
  linkIdentityManually,
  markIdentityVerified,
} from "./identity-links";
export {
  clearPendingClaim,
  type MergeOutcome,
  markPendingClaim,
  mergeProvisionalCustomer,
  pendingClaimsOf,
  provisionalCustomersByEmail,
  provisionalKey,
  upsertProvisionalCustomer,
} from "./provisional-customers";
