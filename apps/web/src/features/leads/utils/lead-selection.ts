/** Which rows are ticked: listed ids, or every lead the current filter matches (loaded or not). */
export type LeadSelection = { all: boolean; ids: ReadonlySet<string> };

export const EMPTY_SELECTION: LeadSelection = { all: false, ids: new Set() };

export type SelectionControls = {
  isSelected: (id: string) => boolean;
  toggle: (id: string, checked: boolean) => void;
  /** All loaded rows ticked (or everything matching). */
  allLoaded: boolean;
  someLoaded: boolean;
  toggleAllLoaded: (checked: boolean) => void;
};
