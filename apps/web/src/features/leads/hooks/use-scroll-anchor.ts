import type { Virtualizer } from '@tanstack/react-virtual';
import type { RefObject } from 'react';
import { useEffect, useLayoutEffect, useRef } from 'react';

type Anchor = Map<string, number>;

/** Where each row in view starts, by lead id. */
function visibleStarts(virtualizer: Virtualizer<HTMLDivElement, Element>, ids: readonly string[], scrollTop: number, viewport: number): Anchor {
  const items = virtualizer.measurementsCache;
  // The first row that ends below the top of the view.
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((items[middle]?.end ?? 0) <= scrollTop) low = middle + 1;
    else high = middle;
  }
  const starts: Anchor = new Map();
  for (let index = low; index < items.length; index++) {
    const item = items[index];
    const id = ids[index];
    if (!item || item.start >= scrollTop + viewport) break;
    if (id) starts.set(id, item.start);
  }
  return starts;
}

/** The shift most of the rows that stayed in the list moved by (a changed row may have jumped elsewhere). */
function commonShift(before: Anchor, virtualizer: Virtualizer<HTMLDivElement, Element>, ids: readonly string[]): number {
  const position = new Map(ids.map((id, index) => [id, index]));
  const votes = new Map<number, number>();
  for (const [id, start] of before) {
    const index = position.get(id);
    if (index === undefined) continue;
    const now = virtualizer.measurementsCache[index]?.start;
    if (now === undefined) continue;
    votes.set(now - start, (votes.get(now - start) ?? 0) + 1);
  }
  let best = 0;
  let bestVotes = 0;
  for (const [shift, count] of votes) {
    if (count > bestVotes || (count === bestVotes && Math.abs(shift) < Math.abs(best))) {
      best = shift;
      bestVotes = count;
    }
  }
  return best;
}

/**
 * When the rows of a scrolled list change under the reader (a lead added above by someone else, one deleted),
 * scrolls by as much as the rows they were looking at moved, so those rows stay where they were. At the top of
 * the list nothing is adjusted: new leads simply appear there. Rows of another search, filter or sort (another
 * `listKey`) are a different list, and are not anchored to the previous one.
 */
export function useScrollAnchor(
  scrollRef: RefObject<HTMLDivElement | null>,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  ids: readonly string[],
  listKey: string,
) {
  const anchor = useRef<Anchor>(new Map());
  const previousIds = useRef(ids);
  const previousKey = useRef(listKey);

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const sameList = previousKey.current === listKey;
    if (sameList && previousIds.current !== ids && element.scrollTop > 0 && anchor.current.size > 0) {
      const shift = commonShift(anchor.current, virtualizer, ids);
      if (shift !== 0) element.scrollTop += shift;
    }
    previousIds.current = ids;
    previousKey.current = listKey;
    anchor.current = visibleStarts(virtualizer, ids, element.scrollTop, element.clientHeight);
  });

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const record = () => {
      anchor.current = visibleStarts(virtualizer, previousIds.current, element.scrollTop, element.clientHeight);
    };
    element.addEventListener('scroll', record, { passive: true });
    return () => element.removeEventListener('scroll', record);
  }, [scrollRef, virtualizer]);
}
