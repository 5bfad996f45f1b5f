// Numbers as operators type them into the console's forms.

/**
 * Numbers as operators type them: a decimal comma is accepted (pt-BR
 * keyboards). Undefined when empty, NaN when it is not a number.
 */
export function parseDecimal(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const normalised = /^[-+]?\d+,\d+$/.test(t) ? t.replace(',', '.') : t;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(normalised) ? Number(normalised) : NaN;
}

/** A whole number within [min, max]; undefined when empty, NaN when invalid. */
export function parseWhole(text: string, min: number, max: number): number | undefined {
  const n = parseDecimal(text);
  if (n === undefined) return undefined;
  return Number.isInteger(n) && n >= min && n <= max ? n : NaN;
}
