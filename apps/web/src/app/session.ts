import type { MeResponse } from '@leadflow/shared/auth';
import type { Permission } from '@leadflow/shared/permissions';
import { useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useLogout } from '@/features/auth/api/logout';
import { getMeQueryOptions } from '@/features/profile/api/get-me';
import { realtime } from '@/lib/realtime';
import { setCurrentWorkspaceId } from '@/lib/workspace-store';

export type AccessState = 'active' | 'pending' | 'disabled' | 'no-workspace';

/** Whether the user may work in the current workspace, or why not. */
export function accessState(me: MeResponse): AccessState {
  const current = me.workspaces.find((workspace) => workspace.id === me.currentWorkspaceId);
  if (current) return current.status;
  if (me.workspaces.some((workspace) => workspace.status === 'pending')) return 'pending';
  return 'no-workspace';
}

/** The signed-in user; only for pages under the app layout, which loads /me first. */
export function useSession() {
  const { data: me } = useSuspenseQuery(getMeQueryOptions());
  const permissions = new Set<Permission>(me.permissions);
  const currentWorkspace = me.workspaces.find((workspace) => workspace.id === me.currentWorkspaceId) ?? null;
  return {
    me,
    user: me.user,
    currentWorkspace,
    can: (permission: Permission) => permissions.has(permission),
  };
}

export function useSignOut() {
  const logout = useLogout();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = () =>
    logout.mutate(undefined, {
      // Leave even when the server call fails: the session may already be gone.
      onSettled: async () => {
        realtime.stop();
        setCurrentWorkspaceId(null);
        await navigate({ to: '/login' });
        queryClient.clear();
      },
    });
  return { signOut, pending: logout.isPending };
}
