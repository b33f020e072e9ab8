import type { LeadFilter } from '@leadflow/shared/leads';
import { leadFilter } from '@leadflow/shared/leads';
import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { DEFAULT_COLUMNS, FIXED_COLUMN } from '../utils/lead-fields';

export type LeadSort = { field: string; dir: 'asc' | 'desc' };

export type LeadListState = {
  filters: LeadFilter[];
  q: string;
  /** Null: the server's order (best matches first when searching, else newest first). */
  sort: LeadSort | null;
  columns: string[];
  /** The saved view the list was opened from, if any. */
  viewId: string | null;
};

// Columns are a preference of this browser; the rest of the list state lasts for the tab, so that going back from
// a lead page finds the list as it was left.
/** Each list (leads, clients) keeps its own state under its own name. */
const columnsKey = (list: string) => `lf.${list}.columns`;
const stateKey = (list: string) => `lf.${list}.list`;

const storedState = z.object({
  filters: z.array(leadFilter).max(30),
  q: z.string().max(200),
  sort: z.object({ field: z.string(), dir: z.enum(['asc', 'desc']) }).nullable(),
  viewId: z.string().nullable(),
});

type StorageKind = 'localStorage' | 'sessionStorage';

function read(kind: StorageKind, key: string): unknown {
  try {
    const raw = window[kind].getItem(key);
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null;
  }
}

function write(kind: StorageKind, key: string, value: unknown): void {
  try {
    window[kind].setItem(key, JSON.stringify(value));
  } catch {
    // Storage may be full or unavailable (private mode); the list works without it.
  }
}

export function withFixedColumn(columns: readonly string[]): string[] {
  return columns.includes(FIXED_COLUMN) ? [...columns] : [FIXED_COLUMN, ...columns];
}

function initialState(list: string): LeadListState {
  const columns = z.array(z.string().max(60)).max(60).safeParse(read('localStorage', columnsKey(list)));
  const saved = storedState.safeParse(read('sessionStorage', stateKey(list)));
  return {
    filters: saved.success ? saved.data.filters : [],
    q: saved.success ? saved.data.q : '',
    sort: saved.success ? saved.data.sort : null,
    viewId: saved.success ? saved.data.viewId : null,
    columns: withFixedColumn(columns.success && columns.data.length > 0 ? columns.data : DEFAULT_COLUMNS),
  };
}

/** Filters, search, sort, columns and the current saved view of a lead list (`list` names it: leads, clients). */
export function useLeadListState(list = 'leads') {
  const [state, setState] = useState<LeadListState>(() => initialState(list));

  useEffect(() => write('localStorage', columnsKey(list), state.columns), [list, state.columns]);
  useEffect(() => {
    const { filters, q, sort, viewId } = state;
    write('sessionStorage', stateKey(list), { filters, q, sort, viewId });
  }, [list, state]);

  const update = useCallback((patch: Partial<LeadListState>) => setState((current) => ({ ...current, ...patch })), []);

  const addFilter = useCallback(
    (filter: LeadFilter) => setState((current) => ({ ...current, filters: [...current.filters, filter] })),
    [],
  );
  const removeFilter = useCallback(
    (index: number) => setState((current) => ({ ...current, filters: current.filters.filter((_, i) => i !== index) })),
    [],
  );
  /** asc → desc on the same column; a new column starts ascending. */
  const toggleSort = useCallback(
    (field: string) =>
      setState((current) => ({
        ...current,
        sort:
          current.sort?.field === field
            ? { field, dir: current.sort.dir === 'asc' ? 'desc' : 'asc' }
            : { field, dir: 'asc' },
      })),
    [],
  );

  return { state, update, addFilter, removeFilter, toggleSort };
}
