// What the bench scripts share: the one statistic they report, and reading what a child printed as JSON.

/** @param {readonly number[]} xs the median; NaN for no samples (JSON null) */
export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/**
 * JSON.parse, as unknown rather than any: the caller says with a JSDoc cast what the child prints,
 * which typescript-eslint cannot see on JSON.parse's own any.
 * @param {string} text
 * @returns {unknown}
 */
export function parseJson(text) {
  return JSON.parse(text);
}
