/**
 * Text for HTML element content and double- or single-quoted attribute values. Every string the status page shows
 * goes through it (names, SHAs, titles, messages: all may come from hostile input).
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
