// Intercom bodies are HTML: our plain text as an email's HTML, and HTML back to text for comparisons.
/** Plain text as the HTML of an email: paragraphs on blank lines, <br> on single ones, links clickable. */
export function textToEmailHtml(text: string): string {
  const escapeText = (t: string) =>
    t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return text
    .trim()
    .split(/\n{2,}/)
    .map(
      (para) =>
        `<p>${escapeText(para)
          .replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
          .replace(/\n/g, "<br>")}</p>`,
    )
    .join("");
}

export function stripHtml(text: string): string {
  return text.replace(/<[^>]*>/g, "");
}
