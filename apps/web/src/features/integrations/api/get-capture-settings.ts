import { captureSettings } from '@leadflow/shared/capture';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '@/lib/api-client';
import { INTEGRATIONS_QUERY_KEY } from './get-meta-connections';

export type CaptureSettings = z.infer<typeof captureSettings>;

export function getCaptureSettings(signal?: AbortSignal) {
  return api.get('/integrations/capture-settings', { schema: captureSettings, signal });
}

export function getCaptureSettingsQueryOptions() {
  return queryOptions({
    queryKey: [...INTEGRATIONS_QUERY_KEY, 'capture-settings'],
    queryFn: ({ signal }) => getCaptureSettings(signal),
  });
}

export function useCaptureSettings() {
  return useQuery(getCaptureSettingsQueryOptions());
}
