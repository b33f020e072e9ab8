import crypto from 'node:crypto';
import { BUILT_IN_ROLES } from '@leadflow/shared/permissions';
import { writeAudit } from '../platform/audit/audit.ts';
import { hashPassword } from '../platform/auth/password.ts';
import { loadConfig } from '../platform/config.ts';
import { openDatabase, type Database } from '../platform/db/client.ts';
import { createAccountsRepository } from '../modules/accounts/accounts.repository.ts';
import { createWorkspaceRecords } from '../modules/workspaces/workspace-records.ts';
import { createWorkspacesRepository } from '../modules/workspaces/workspaces.repository.ts';

const DEMO_SLUG = 'demo-realty';
const PEOPLE: Record<(typeof BUILT_IN_ROLES)[number], string> = {
  owner: 'Olivia Owner',
  admin: 'Adam Admin',
  manager: 'Maria Manager',
  agent: 'Alex Agent',
  lead_generator: 'Gabi Generator',
  marketing: 'Mark Marketing',
  production: 'Paula Production',
  viewer: 'Victor Viewer',
};

/**
 * Fills a "Demo Realty" workspace with one user per built-in role so a new user can look around.
 * The password is random and printed once: there is no default password anywhere.
 */
export async function seedDemo(database: Database, password: string): Promise<{ workspaceId: string; emails: string[] }> {
  const db = database.db;
  const accounts = createAccountsRepository(db);
  const workspaces = createWorkspacesRepository(db);
  const existing = await workspaces.findWorkspaceBySlug(DEMO_SLUG);
  if (existing) throw new Error(`The demo workspace exists already (${DEMO_SLUG}); nothing to do.`);
  const passwordHash = await hashPassword(password);
  const emails: string[] = [];
  const workspaceId = await db.transaction(async (tx) => {
    const users = new Map<string, string>();
    for (const key of BUILT_IN_ROLES) {
      const email = `${key.replace('_', '-')}@demo.leadflow.test`;
      const found = await accounts.findUserByEmail(email, tx);
      const user = found ?? (await accounts.insertUser(tx, { email, name: PEOPLE[key], passwordHash }));
      users.set(key, user.id);
      emails.push(email);
    }
    const ws = await createWorkspaceRecords(workspaces, tx, users.get('owner')!, { name: 'Demo Realty', slug: DEMO_SLUG });
    for (const key of BUILT_IN_ROLES) {
      if (key === 'owner') continue;
      const role = await workspaces.findRoleByKey(ws.id, key, tx);
      await workspaces.insertMembership(tx, { workspaceId: ws.id, userId: users.get(key)!, roleId: role!.id, status: 'active', approvedBy: users.get('owner')! });
    }
    await writeAudit(tx, { workspaceId: ws.id, actorId: null, action: 'workspace.seed_demo', entityType: 'workspace', entityId: ws.id });
    return ws.id;
  });
  return { workspaceId, emails };
}

async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const password = process.env.DEMO_PASSWORD ?? crypto.randomBytes(9).toString('base64url');
    const { emails } = await seedDemo(database, password);
    console.log('Demo workspace "Demo Realty" is ready. Sign in with any of these accounts:');
    for (const e of emails) console.log(`  ${e}`);
    console.log(`Password for all of them: ${password}`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
