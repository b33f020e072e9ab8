/** The workspace this browser works in, sent as `x-workspace-id` on every API call. */
const STORAGE_KEY = 'lf.workspace';

export function getCurrentWorkspaceId(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setCurrentWorkspaceId(workspaceId: string | null): void {
  try {
    if (workspaceId) localStorage.setItem(STORAGE_KEY, workspaceId);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be unavailable (private mode); the server falls back to the session's workspace.
  }
}
