// Callbacks from the console to the app's backend (APP_CALLBACK_URL): what they carry and how to verify one.
// Dependency-free (node:crypto only) so the app's backend (a Firebase function, an Expo API route) can
// import or copy it. Same App-Signature scheme and secret (APP_WEBHOOK_SECRET) as the app's own events.
import { verifyAppSignature, type SignatureCheck } from "./signature";

export type CallbackEntitlement = {
  /** none | incomplete | trialing | active | past_due | canceled */
  status: string;
  plan: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  /** Whether the status grants paid access now (past_due follows PAST_DUE_ACCESS). */
  access: boolean;
};

export type CallbackTicket = {
  reference: string;
  subject: string | null;
  /** received | open | pending | on_hold | solved | closed */
  status: string;
  updatedAt: string;
};

export type AppCallback =
  | {
      /** Stable per change: the same id on every retry; dedupe on it. */
      id: string;
      type: "entitlement.changed";
      /** When the change happened at its source (Stripe's event time): apply only if newer than what you hold. */
      created: string;
      data: { appUserId: string; entitlement: CallbackEntitlement };
    }
  | {
      id: string;
      type: "support.updated";
      created: string;
      data: { appUserId: string; ticket: CallbackTicket };
    };

export type CallbackCheck =
  | { ok: true; callback: AppCallback }
  | { ok: false; status: 400; code: string; reason: string };

/**
 * Verifies a callback's App-Signature (constant time, 300 s tolerance) and parses it. Pass the raw body
 * exactly as received (before any JSON parsing). Answer 2xx only once you have stored or applied it:
 * anything else is retried with the same `id`.
 */
export function verifyAppCallback(header: string | null, rawBody: string, secret: string, now?: number): CallbackCheck {
  const check: SignatureCheck = verifyAppSignature(header, rawBody, secret, now);
  if (!check.ok) return { ok: false, status: 400, code: check.code, reason: check.reason };
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { ok: false, status: 400, code: "malformed_body", reason: "Body is not valid JSON." };
  }
  const c = json as Partial<AppCallback> | null;
  const data = (c && typeof c.data === "object" && c.data !== null ? c.data : null) as Record<string, unknown> | null;
  const body =
    c?.type === "entitlement.changed" ? data?.entitlement : c?.type === "support.updated" ? data?.ticket : null;
  if (
    !c ||
    typeof c.id !== "string" ||
    typeof c.created !== "string" ||
    typeof data?.appUserId !== "string" ||
    typeof body !== "object" ||
    body === null
  )
    return {
      ok: false,
      status: 400,
      code: "invalid_callback",
      reason: "Not a callback: expected { id, type, created, data }.",
    };
  return { ok: true, callback: c as AppCallback };
}
