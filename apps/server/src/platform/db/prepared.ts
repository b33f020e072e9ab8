/**
 * Named prepared statements for the hot statements of the capture path (ADR 029). PostgreSQL parses, analyses and
 * plans every unnamed statement from scratch; a statement prepared once per connection skips the parse and, once
 * PostgreSQL settles on a generic plan (after five executions, when it costs no more than the custom ones), the
 * planning too. For the distribution read of a capture batch that was 1.6 of its 3 ms inside PostgreSQL.
 *
 * A statement is named after a hash of its text, so one name always means one text, whichever code sent it. Each
 * connection keeps at most `limit` of them: texts differ per workspace and rules version and connections live as long
 * as the process (ADR 028), so the least recently used is `DEALLOCATE`d when a new one would pass the limit.
 *
 * Only where it can work: node-postgres inside a transaction (a pinned connection). The embedded PGlite database, the
 * pool outside a transaction and pools opened with `preparedStatements: false` (a pooler in transaction mode, such
 * as PgBouncer before 1.21, cannot keep a session's statements) run the same statement unnamed.
 */
import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './client.ts';

/** Statements this helper keeps prepared per connection. */
export const PREPARED_PER_CONNECTION = 64;

/** node-postgres's connection: what it has parsed, by name (its own record, which DEALLOCATE must keep in step). */
type PgConnection = { parsedStatements: Record<string, string> };
type PgClient = { query(text: string): Promise<unknown>; connection?: PgConnection };
type Session = {
  client?: PgClient;
  prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: false): { execute(): Promise<unknown> };
};
type Dialect = { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };

/** Per connection, the names this helper prepared, least recently used first. */
const kept = new WeakMap<PgConnection, Map<string, true>>();
/** Clients of pools opened without prepared statements. */
const unnamed = new WeakSet<object>();

/** Every client of this pool runs `executePrepared` statements unnamed (`DATABASE_PREPARED_STATEMENTS=false`). */
export function withoutPreparedStatements(client: object): void {
  unnamed.add(client);
}

/** The statement's name: `lf_` and 24 hex digits of the text's SHA-1. */
export function preparedName(text: string): string {
  return `lf_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
}

/** Runs `query` as `tx.execute` does, the same result, as a named prepared statement where the connection allows. */
export async function executePrepared(tx: DbOrTx, query: SQL, limit = PREPARED_PER_CONNECTION): Promise<unknown> {
  const { session, dialect } = tx as unknown as { session?: Session; dialect?: Dialect };
  const client = session?.client;
  const connection = client?.connection;
  if (!session || !dialect || !client || unnamed.has(client) || typeof connection?.parsedStatements !== 'object') return tx.execute(query);
  const built = dialect.sqlToQuery(query);
  const name = preparedName(built.sql);
  let names = kept.get(connection);
  if (!names) kept.set(connection, (names = new Map()));
  if (names.delete(name)) names.set(name, true);
  else {
    for (const oldest of names.keys()) {
      if (names.size < limit) break;
      names.delete(oldest);
      // Only what node-postgres saw parsed exists on the server (a statement whose parse failed does not).
      const text = connection.parsedStatements[oldest];
      if (text === undefined) continue;
      // Forgotten before the DEALLOCATE is sent: a query of the same text queued behind it on this connection (a
      // concurrent call in the same transaction) then parses it again instead of binding a statement about to go.
      delete connection.parsedStatements[oldest];
      try {
        await client.query(`DEALLOCATE ${oldest}`);
      } catch (err) {
        // The transaction had failed already: the statement is still on the server, and known again here.
        connection.parsedStatements[oldest] = text;
        names.set(oldest, true);
        throw err;
      }
    }
    names.set(name, true);
  }
  return session.prepareQuery(built, undefined, name, false).execute();
}
