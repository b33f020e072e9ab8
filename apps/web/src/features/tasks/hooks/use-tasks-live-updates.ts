import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import { TASKS_QUERY_KEY } from '../api/tasks';

/** A task created, changed or completed elsewhere (another tab, a manager) refreshes the open task lists. */
export function useTasksLiveUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(() => {
    const refresh = () => void queryClient.invalidateQueries({ queryKey: TASKS_QUERY_KEY });
    const offs = ['task.created', 'task.updated', 'task.deleted'].map((type) => realtime.subscribe(type, refresh));
    return () => offs.forEach((off) => off());
  }, [queryClient]);
}
