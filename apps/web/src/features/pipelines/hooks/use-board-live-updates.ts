import type { RealtimeEvent } from '@leadflow/shared/workspace';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { realtime } from '@/lib/realtime';
import type { ColumnPages } from '../api/get-board';
import { BOARD_QUERY_KEY } from '../api/get-board';
import { PIPELINES_QUERY_KEY } from '../api/get-pipelines';

/** Events close together (a move and its lead update, a bulk action) refresh a board once, at most once a second. */
const COALESCE_MS = 250;
const MIN_INTERVAL_MS = 1_000;

/** Events after which any column may have changed: a new lead, a bulk action, an emptied trash. */
const WHOLE_BOARD_EVENTS = ['lead.created', 'leads.bulk_updated', 'trash.emptied'] as const;
/** Events about one lead: the columns that show it reload. */
const ONE_LEAD_EVENTS = ['lead.updated', 'lead.deleted'] as const;

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The stage of a column query's key. */
function stageIdOf(scope: unknown): string | null {
  return typeof scope === 'object' && scope !== null && 'stageId' in scope ? textOf(scope.stageId) : null;
}

/**
 * Keeps an open board current. A card moved by someone else reloads only its two columns and the column heads'
 * counts; an edited lead reloads the columns showing it. A move this tab made is already on screen and is recognised
 * by the lead's version (the `lead.updated` that accompanies a move is then ignored too).
 */
export function useBoardLiveUpdates(pipelineId: string) {
  const queryClient = useQueryClient();
  useEffect(() => realtime.syncWorkspace());
  useEffect(() => {
    const root = [...BOARD_QUERY_KEY, pipelineId] as const;
    const stages = new Set<string>();
    const updatedLeads = new Set<string>();
    const movedLeads = new Set<string>();
    let everything = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;

    const columns = () => queryClient.getQueriesData<ColumnPages>({ queryKey: [...root, 'column'] });
    const stagesShowing = (leadId: string) =>
      columns()
        .filter(([, data]) => data?.pages.some((page) => page.cards.some((c) => c.id === leadId)))
        .map(([key]) => stageIdOf(key[3]))
        .filter((id): id is string => id !== null);

    const refresh = () => {
      timer = null;
      last = Date.now();
      for (const leadId of updatedLeads) {
        if (!movedLeads.has(leadId)) for (const stageId of stagesShowing(leadId)) stages.add(stageId);
      }
      if (everything) {
        void queryClient.invalidateQueries({ queryKey: root });
      } else if (stages.size > 0) {
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
      updatedLeads.clear();
      movedLeads.clear();
      everything = false;
    };
    const schedule = () => {
      if (timer) return;
      timer = setTimeout(refresh, Math.max(COALESCE_MS, last + MIN_INTERVAL_MS - Date.now()));
    };

    /** Whether this tab's board already shows the lead at this version in this stage (its own move). */
    const alreadyShown = (leadId: string, stageId: string, version: number) =>
      columns().some(([, data]) => data?.pages.some((page) => page.cards.some((c) => c.id === leadId && c.stageId === stageId && c.version >= version)));

    const onMoved = (event: RealtimeEvent) => {
      const data = event.data;
      const leadId = textOf(data.leadId) ?? textOf(data.id);
      const stageId = textOf(data.stageId);
      const from = textOf(data.fromStageId);
      if (leadId) movedLeads.add(leadId);
      const shown = new Set(columns().map(([key]) => stageIdOf(key[3])));
      // A lead moved into this pipeline from another one (or out of it) changes this board too.
      if (textOf(data.pipelineId) !== pipelineId && !(from !== null && shown.has(from))) return;
      const version = typeof data.version === 'number' ? data.version : null;
      if (leadId && stageId && version !== null && alreadyShown(leadId, stageId, version)) {
        schedule();
        return;
      }
      if (stageId) stages.add(stageId);
      if (from) stages.add(from);
      schedule();
    };
    const onLead = (event: RealtimeEvent) => {
      const leadId = textOf(event.data.leadId);
      if (!leadId) return;
      updatedLeads.add(leadId);
      schedule();
    };
    const onWholeBoard = () => {
      everything = true;
      schedule();
    };
    const onPipelinesChanged = () => {
      void queryClient.invalidateQueries({ queryKey: PIPELINES_QUERY_KEY });
      onWholeBoard();
    };

    const offs = [
      realtime.subscribe('lead.moved', onMoved),
      realtime.subscribe('pipelines.changed', onPipelinesChanged),
      ...ONE_LEAD_EVENTS.map((type) => realtime.subscribe(type, onLead)),
      ...WHOLE_BOARD_EVENTS.map((type) => realtime.subscribe(type, onWholeBoard)),
    ];
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [pipelineId, queryClient]);
}
