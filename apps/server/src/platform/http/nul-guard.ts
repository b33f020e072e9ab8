import type { FastifyInstance } from 'fastify';
import { invalid } from '../errors.ts';

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, so a value carrying one would fail in the database, halfway
 * through a handler. Every request's parsed body, query string and path parameters are checked before
 * validation, and one carrying a NUL character is refused with a 400 naming where it is (`name`,
 * `members.0.userId`, a key itself). Raw bodies (webhooks parsed as bytes, uploads) are not walked: their
 * handlers parse them.
 */
export const NUL_MESSAGE = 'Contains a NUL character (\\u0000), which cannot be stored';

export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const where = nulAt(request.body) ?? nulAt(request.query) ?? nulAt(request.params);
    if (where !== null) throw invalid(where.replaceAll('\u0000', '\\u0000') || 'body', NUL_MESSAGE);
  });
}

/** The dotted path of the first string (or key) holding U+0000 in a parsed JSON value, or null. Iterative: no depth limit. */
export function nulAt(root: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: path ? `${path}.${i}` : String(i) });
    } else if (value !== null && typeof value === 'object' && isPlain(value)) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const at = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) return at;
        stack.push({ value: child, path: at });
      }
    }
  }
  return null;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
