/** Config keys whose values are credentials. */
const SECRET_KEY = /(KEY|TOKEN|SECRET|PASSWORD|CREDENTIALS)$/i;

/** The credential values of a config: what must never appear in a tool result, an error or a log line. */
export function secretValuesOf(config: Record<string, unknown>): string[] {
  return Object.entries(config)
    .filter(([k, v]) => SECRET_KEY.test(k) && typeof v === 'string' && v.length >= 8)
    .map(([, v]) => v as string);
}

/**
 * Blanks credential values out of text. Provider SDKs sometimes echo a request (URL with a key
 * parameter, headers) into their error messages; everything a provider says passes through here
 * before it reaches an error, a log line or a recorded execution.
 */
export class Redactor {
  readonly #secrets: string[];

  constructor(secrets: readonly string[]) {
    // Longest first, so a key that contains another is blanked whole.
    this.#secrets = [...new Set(secrets)].filter((s) => s.length >= 8).sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
    return out;
  }
}
