import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

export function logout() {
  return api.post('/auth/logout');
}

/** The caller leaves the signed-in pages and then clears the cache (see app/session). */
export function useLogout() {
  return useMutation({ mutationFn: logout });
}
