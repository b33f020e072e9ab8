import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

/**
 * Writes one set's report as `bench/results/<start time>-<set>.json` and `.md`, and prints the Markdown and where
 * both went.
 */
export function saveResults(set: string, report: { startedAt: string }, md: string): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(RESULTS_DIR, `${stamp}-${set}.json`), JSON.stringify(report, null, 2));
  fs.writeFileSync(path.join(RESULTS_DIR, `${stamp}-${set}.md`), md);
  console.log(`\n${md}`);
  console.log(`Results: bench/results/${stamp}-${set}.json (and .md)`);
}
