/** A key or option value from a label, the way the server would make it: "Property budget" → "property_budget". */
export function keyFromLabel(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 50);
  if (!key) return '';
  return /^[a-z]/.test(key) ? key : `f_${key}`.slice(0, 50);
}

/** A value not yet taken: "gold", "gold_2", "gold_3"… */
export function uniqueValue(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base}_${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
