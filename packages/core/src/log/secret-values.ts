/** Shortest value worth scrubbing: shorter strings would blank out ordinary words in log lines. */
export const MIN_SECRET_LENGTH_CHARS = 4;

/**
 * Known secret values (from `${VAR}`s in secret positions of the config, tokens from the vault).
 * Every log line is scrubbed of them as a last line of defence behind path-based redaction, so a
 * secret that ends up in an error message or an URL still never reaches the output.
 */
export class SecretValues {
  #values = new Set<string>();
  #sorted: string[] = [];

  /** Registers a value; it and its JSON-escaped form are scrubbed from then on. */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH_CHARS) return;
    const escaped = JSON.stringify(value).slice(1, -1);
    const encoded = encodeURIComponent(value);
    let changed = false;
    for (const form of [value, escaped, encoded]) {
      if (!this.#values.has(form)) {
        this.#values.add(form);
        changed = true;
      }
    }
    // Longest first, so a secret containing another is replaced whole.
    if (changed) this.#sorted = [...this.#values].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#values.size;
  }

  /** Returns `text` with every known secret replaced by `replacement`. */
  scrub(text: string, replacement = '[redacted]'): string {
    let out = text;
    for (const value of this.#sorted) {
      if (out.includes(value)) out = out.split(value).join(replacement);
    }
    return out;
  }
}
