import { afterEach, describe, expect, it, vi } from 'vitest';
import { downloadUrl } from './api-client';

function storeWorkspace(workspaceId: string | null) {
  vi.stubGlobal('localStorage', { getItem: (key: string) => (key === 'lf.workspace' ? workspaceId : null) });
}

describe('downloadUrl', () => {
  afterEach(() => vi.unstubAllGlobals());

  it("leaves empty parameters out and names this browser's workspace, since a link cannot send headers", () => {
    storeWorkspace('2f1c6a9e-0000-4000-8000-000000000001');
    expect(downloadUrl('/leads/export', { query: '', columns: 'name,phone', format: 'csv', since: undefined })).toBe(
      '/api/v1/leads/export?columns=name%2Cphone&format=csv&workspaceId=2f1c6a9e-0000-4000-8000-000000000001',
    );
  });

  it('has no query string without parameters or a chosen workspace', () => {
    storeWorkspace(null);
    expect(downloadUrl('/imports/7/rejected.csv')).toBe('/api/v1/imports/7/rejected.csv');
  });
});
