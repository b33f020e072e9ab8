import type { RealtimeEvent } from '@leadflow/shared/workspace';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import type { ColumnPages } from '../api/get-board';
import { BOARD_QUERY_KEY } from '../api/get-board';

/** Changes close together (a bulk action, several moves) refresh a board once, at most once a second. */
const COALESCE_MS = 200;
const MIN_INTERVAL_MS = 1_000;

/** Events that may change any column: a lead created, edited (owner, tags: filters), deleted or changed in bulk. */
const BOARD_EVENTS = ['lead.created', 'lead.updated', 'lead.deleted', 'leads.bulk_updated', 'trash.emptied'] as const;

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The stage of a column query's key. */
function stageIdOf(scope: unknown): string | null {
  return typeof scope === 'object' && scope !== null && 'stageId' in scope ? textOf(scope.stageId) : null;
}

/**
 * Keeps an open board current. A card moved by someone else reloads only its two columns (and the column heads'
 * counts); a move this tab made itself is already on screen and is recognised by the lead's version.
 */
export function useBoardLiveUpdates(pipelineId: string) {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(() => {
    const stages = new Set<string>();
    let everything = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;

    const refresh = () => {
      timer = null;
      last = Date.now();
      const root = [...BOARD_QUERY_KEY, pipelineId];
      if (everything) {
        void queryClient.invalidateQueries({ queryKey: root });
      } else {
        void queryClient.invalidateQueries({ queryKey: [...root, 'heads'] });
        void queryClient.invalidateQueries({
          queryKey: [...root, 'column'],
          predicate: (query) => {
            const stageId = stageIdOf(query.queryKey[3]);
            return stageId !== null && stages.has(stageId);
          },
        });
      }
      stages.clear();
      everything = false;
    };
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(refresh, Math.max(COALESCE_MS, last + MIN_INTERVAL_MS - Date.now()));
    };

    const shownStages = () =>
      new Set(
        queryClient
          .getQueriesData<ColumnPages>({ queryKey: [...BOARD_QUERY_KEY, pipelineId, 'column'] })
          .map(([key]) => stageIdOf(key[3]))
          .filter((id): id is string => id !== null),
      );

    /** Whether this tab's board already shows the lead at this version in this stage (its own move). */
    const alreadyShown = (leadId: string, stageId: string, version: number) =>
      queryClient
        .getQueriesData<ColumnPages>({ queryKey: [...BOARD_QUERY_KEY, pipelineId, 'column'] })
        .some(([, data]) => data?.pages.some((page) => page.cards.some((c) => c.id === leadId && c.stageId === stageId && c.version >= version)));

    const onMoved = (event: RealtimeEvent) => {
      const data = event.data;
      const leadId = textOf(data.leadId) ?? textOf(data.id);
      const stageId = textOf(data.stageId);
      const from = textOf(data.fromStageId);
      // A lead moved from another pipeline into this one (or out of it) changes this board too.
      const touchesBoard = textOf(data.pipelineId) === pipelineId || (from !== null && shownStages().has(from));
      if (!touchesBoard) return;
      const version = typeof data.version === 'number' ? data.version : null;
      if (leadId && stageId && version !== null && alreadyShown(leadId, stageId, version)) return;
      if (stageId) stages.add(stageId);
      if (from) stages.add(from);
      schedule();
    };
    const onOther = () => {
      everything = true;
      schedule();
    };

    const offs = [realtime.subscribe('lead.moved', onMoved), ...BOARD_EVENTS.map((type) => realtime.subscribe(type, onOther))];
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [pipelineId, queryClient]);
}
