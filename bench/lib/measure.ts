import type { ReadScenario } from './reference.ts';
import type { SqlConn } from './sql.ts';
import { runLoad, type LatencyStats, type LoadOptions } from './stats.ts';

export type ExplainResult = {
  planningMs: number;
  executionMs: number;
  /** Index names the plan uses. */
  indexes: string[];
  /** A sequential scan of leads or activities: a query that missed its index. */
  seqScan: string[];
  plan: string[];
};

/** EXPLAIN (ANALYZE, BUFFERS) of each statement of a scenario with the parameters of iteration 0. */
export async function explainScenario(conn: SqlConn, s: ReadScenario, i = 0): Promise<ExplainResult | null> {
  if (!s.sql) return null;
  const out: ExplainResult = { planningMs: 0, executionMs: 0, indexes: [], seqScan: [], plan: [] };
  for (const build of s.sql) {
    const stmt = build(i);
    const r = await conn.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${stmt.text}`, stmt.params);
    const lines = r.rows.map((row) => row['QUERY PLAN']);
    if (out.plan.length) out.plan.push('---');
    out.plan.push(...lines);
    for (const line of lines) {
      const exec = /Execution Time: ([\d.]+) ms/.exec(line);
      if (exec) out.executionMs += Number(exec[1]);
      const plan = /Planning Time: ([\d.]+) ms/.exec(line);
      if (plan) out.planningMs += Number(plan[1]);
      const ix = /(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)/.exec(line);
      if (ix && !out.indexes.includes(ix[1]!)) out.indexes.push(ix[1]!);
      const seq = /Seq Scan on (leads|activities)\b/.exec(line);
      if (seq && !out.seqScan.includes(seq[1]!)) out.seqScan.push(seq[1]!);
    }
  }
  out.planningMs = Number(out.planningMs.toFixed(3));
  out.executionMs = Number(out.executionMs.toFixed(3));
  return out;
}

/** The scenario's SQL run directly, `o.requests` times with `o.concurrency` in flight. */
export function loadSql(conn: SqlConn, s: ReadScenario, o: LoadOptions): Promise<LatencyStats> | null {
  if (!s.sql) return null;
  const stmts = s.sql;
  return runLoad(async (i) => {
    for (const build of stmts) {
      const stmt = build(i);
      await conn.query(stmt.text, stmt.params);
    }
  }, o);
}
