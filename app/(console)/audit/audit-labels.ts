// Audit action names in words. The stored names stay as they are (filters, the admin API and old rows use
// them); only the page reads them out, because some read ambiguously: `event.replay_failed` means "replayed
// the failed steps", not "the replay failed".
const LABELS: Record<string, string> = {
  "event.replay_failed": "Replayed an event's failed steps",
  "event.replay_all": "Replayed every step of an event",
  "event.bulk_replay": "Replayed failed events in bulk",
  "alert.acknowledge": "Acknowledged an alert",
  "alert.resolve": "Resolved an alert",
  "identity.confirm": "Confirmed an identity match",
  "identity.link_manual": "Linked an identity by hand",
  "identity.unlink": "Unlinked an identity",
  "customer.claim_confirmed": "Confirmed a payer's claim",
  "customer.claim_rejected": "Rejected a payer's claim",
  "customer.resync_crm": "Re-synced a customer to HubSpot",
  "customer.recovery_card_update_link": "Sent a card update link",
  "customer.data_exported": "Downloaded a person's data",
  "customer.erasure_requested": "Started an erasure",
  "drift.check": "Checked for drift",
  "drift.repair": "Repaired drift",
  "stripe.backfill": "Ran the Stripe backfill",
  "stripe.import": "Imported Stripe customers",
  "export.csv": "Exported a list as CSV",
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Sign-in refused",
  "auth.sign_out": "Signed out",
  "auth.sign_out_others": "Signed out other sessions",
  "auth.password_check_failed": "Wrong current password",
  "access.refused": "Access refused (role too low)",
  "user.bootstrap": "Created the first owner",
  "user.create": "Added a user",
  "user.remove": "Removed a user",
  "user.role_change": "Changed a user's role",
  "user.password_change": "Changed a password",
  "user.password_reset": "Reset a user's password",
  "user.sign_out_everywhere": "Signed a user out everywhere",
};

/** The words for a stored action; an action not listed yet reads as its name with the separators spaced. */
export function auditActionLabel(action: string): string {
  const known = LABELS[action];
  if (known) return known;
  const [area, verb] = action.split(".", 2);
  const words = (verb ?? "").replaceAll("_", " ");
  return words ? `${area!.charAt(0).toUpperCase()}${area!.slice(1)}: ${words}` : action;
}
