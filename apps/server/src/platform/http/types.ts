import type { Permission } from '@leadflow/shared/permissions';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Jobs } from '../jobs/jobs.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Cipher } from '../secrets/crypto.ts';

/** Who may call a route: nobody signed in, any signed-in user, or an active member of the current workspace. */
export type Access = 'public' | 'session' | 'member';

export type AuthUser = {
  id: string;
  email: string;
  name: string;
  locale: string;
  timeZone: string;
  theme: string;
  totpEnabled: boolean;
};

export type AuthWorkspace = {
  id: string;
  name: string;
  slug: string;
  timeZone: string;
  idleTimeoutMinutes: number;
  membershipStatus: 'active' | 'pending' | 'disabled';
  roleId: string;
  roleKey: string;
};

export type AuthState = {
  sessionId: string;
  user: AuthUser;
  workspace: AuthWorkspace | null;
  permissions: ReadonlySet<Permission>;
};

/** A signed-in, active member of a workspace: what every business service receives. */
export type Actor = {
  userId: string;
  workspaceId: string;
  permissions: ReadonlySet<Permission>;
  ip: string | null;
};

export type AppDeps = {
  config: Config;
  database: Database;
  jobs: Jobs;
  events: EventBus;
  mailer: Mailer;
  cipher: Cipher;
  now: () => Date;
};

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
  interface FastifyRequest {
    auth: AuthState | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    permission?: Permission;
  }
}
