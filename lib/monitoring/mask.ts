// Customer emails never leave for a chat channel whole: "jane@example.com" is posted as "j***@example.com".

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** "jane.doe@example.com" → "j***@example.com" (the first character of the local part and the domain). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks every email address in a text. */
export function maskEmailsIn(text: string): string {
  return text.replace(EMAIL, (m) => maskEmail(m));
}

// Values that are credentials whatever key they sit under, e.g. an SDK's error message quoting a header:
// Stripe keys, webhook secrets, HubSpot private-app tokens and bearer tokens.
const SECRET_VALUES =
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{6,}|\bwhsec_[A-Za-z0-9+/=]{6,}|\bpat-[a-z0-9]{2,4}-[A-Za-z0-9-]{8,}|\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g;

/** Replaces every credential-shaped part of a text with "[redacted]" (log lines, span error messages). */
export function maskSecretsIn(text: string): string {
  return text.replace(SECRET_VALUES, "[redacted]");
}
