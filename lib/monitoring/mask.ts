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
