import { sentences, wordCount } from './text.ts';

/**
 * The offline answer to a free-text request: an extractive draft that restates what was asked
 * and lists its points, in the user's own words. It does not pretend to reason or invent.
 */
export function extractiveDraft(request: string): string {
  const text = request.replace(/\s+/g, ' ').trim();
  if (text.length === 0) return 'Offline draft: the request was empty.';
  const parts = sentences(text);
  const head = parts[0] ?? text;
  const points = parts.slice(1).length > 0 ? parts.slice(1) : text.split(/[,;:]\s+/).slice(1);
  const keywords = [
    ...new Set(
      (text.toLowerCase().match(/[a-z][a-z'-]{4,}/g) ?? []).filter(
        (w) => !/^(about|which|their|there|these|those|would|could|should|please|write|after|before)$/.test(w),
      ),
    ),
  ].slice(0, 8);
  const lines = [`Offline draft (extractive; no language model was used) of a ${wordCount(text)}-word request.`, '', `Request: ${head}`];
  if (points.length > 0) {
    lines.push('', 'Points raised:');
    for (const p of points.slice(0, 12)) lines.push(`- ${p}`);
  }
  if (keywords.length > 0) lines.push('', `Key terms: ${keywords.join(', ')}.`);
  return lines.join('\n');
}
