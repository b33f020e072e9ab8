import { access } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM_PATH, repoRoot } from './paths.ts';

/** Fails the run at once, with the fix, when a prerequisite is missing, instead of in every test. */
export default async function checkPrerequisites(): Promise<void> {
  const webIndex = path.join(repoRoot, 'apps', 'web', 'dist', 'index.html');
  const missing: string[] = [];
  if (!(await exists(webIndex))) missing.push(`${webIndex} (run \`npm run build\` first)`);
  if (!(await exists(CHROMIUM_PATH))) missing.push(`${CHROMIUM_PATH} (run \`bash scripts/ensure-chromium.sh\`)`);
  if (missing.length > 0) throw new Error(`e2e prerequisites missing:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
