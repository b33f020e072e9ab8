/**
 * A bench installation's people: the owner through the set-up API (with a second workspace, whose data no request
 * may read), members inserted through the app's own repositories (no invitations: fast), and signed-in clients.
 */
import { hashPassword } from '../../apps/server/src/platform/auth/password.ts';
import { openDatabase } from '../../apps/server/src/platform/db/client.ts';
import { createAccountsRepository } from '../../apps/server/src/modules/accounts/accounts.repository.ts';
import { createWorkspacesRepository } from '../../apps/server/src/modules/workspaces/workspaces.repository.ts';
import { ApiClient, describeFailure } from './http.ts';

export type Credentials = { name: string; email: string; password: string };

/**
 * A signed-in client in the member's current workspace. Every client starts on the same loopback address: 50
 * requests each before moving on keeps each address under the API's 1,200 requests a minute while several clients run.
 */
export async function signIn(base: string, email: string, password: string): Promise<{ client: ApiClient; workspaceId: string; userId: string }> {
  const client = new ApiClient(base, 50);
  await client.get('/api/v1/me'); // the lf_csrf cookie, as a first page load sets it
  const login = await client.post('/api/v1/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`Sign-in of ${email} failed: ${describeFailure(login)}`);
  const me = JSON.parse((await client.get('/api/v1/me')).body) as { currentWorkspaceId: string; user: { id: string } };
  client.workspaceId = me.currentWorkspaceId;
  return { client, workspaceId: me.currentWorkspaceId, userId: me.user.id };
}

/** Sets the installation up with its owner and workspace, then adds a second workspace; the owner's client works in the first. */
export async function setUpInstallation(
  base: string,
  owner: Credentials,
  workspaceName: string,
): Promise<{ owner: ApiClient; workspaceId: string; ownerId: string; otherWorkspaceId: string }> {
  const c = new ApiClient(base);
  try {
    await c.get('/api/v1/me');
    const setup = await c.post('/api/v1/setup', { name: owner.name, email: owner.email, password: owner.password, workspaceName });
    if (setup.status !== 201) throw new Error(`Set-up failed: ${describeFailure(setup)}`);
  } finally {
    c.close();
  }
  const { client, workspaceId, userId: ownerId } = await signIn(base, owner.email, owner.password);
  const other = await client.post('/api/v1/workspaces', { name: 'Other Workspace' });
  if (other.status !== 201) {
    client.close();
    throw new Error(`Creating the second workspace failed: ${describeFailure(other)}`);
  }
  client.workspaceId = workspaceId;
  return { owner: client, workspaceId, ownerId, otherWorkspaceId: (JSON.parse(other.body) as { id: string }).id };
}

/** Active members of a workspace with one password, in one transaction; their user ids in the given order. */
export async function insertMembers(
  databaseUrl: string,
  ids: { workspaceId: string; ownerId: string },
  members: { email: string; name: string; role: 'agent' | 'manager' }[],
  password: string,
): Promise<string[]> {
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  try {
    const accounts = createAccountsRepository(database.db);
    const workspaces = createWorkspacesRepository(database.db);
    const passwordHash = await hashPassword(password);
    return await database.db.transaction(async (tx) => {
      const roleIds = new Map<string, string>();
      const userIds: string[] = [];
      for (const m of members) {
        if (!roleIds.has(m.role)) roleIds.set(m.role, (await workspaces.findRoleByKey(ids.workspaceId, m.role, tx))!.id);
        const u = await accounts.insertUser(tx, { email: m.email, name: m.name, passwordHash });
        await workspaces.insertMembership(tx, { workspaceId: ids.workspaceId, userId: u.id, roleId: roleIds.get(m.role)!, status: 'active', approvedBy: ids.ownerId });
        userIds.push(u.id);
      }
      return userIds;
    });
  } finally {
    await database.close();
  }
}
