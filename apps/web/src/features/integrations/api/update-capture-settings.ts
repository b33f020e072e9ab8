import { captureSettings } from '@leadflow/shared/capture';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { CaptureSettings } from './get-capture-settings';
import { getCaptureSettingsQueryOptions } from './get-capture-settings';

export function updateCaptureSettings(body: CaptureSettings) {
  return api.put('/integrations/capture-settings', { body, schema: captureSettings });
}

export function useUpdateCaptureSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCaptureSettings,
    onSuccess: (data) => queryClient.setQueryData(getCaptureSettingsQueryOptions().queryKey, data),
  });
}
