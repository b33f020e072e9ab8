/** PostgreSQL foreign-key violation (23503), from either driver, however deep in `cause` it sits. */
export function isForeignKeyViolation(err: unknown): boolean {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; cause?: unknown };
    if (c.code === '23503') return true;
    cur = c.cause;
  }
  return false;
}
