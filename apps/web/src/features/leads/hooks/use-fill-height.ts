import { useCallback, useLayoutEffect, useRef, useState } from 'react';

/**
 * The height that lets an element reach the bottom of the window, for a list that scrolls inside itself
 * (its header stays in view). Follows window resizes and whatever above it grows or shrinks.
 */
export function useFillHeight<T extends HTMLElement>(minHeight: number, bottomGap = 16) {
  const ref = useRef<T>(null);
  const [height, setHeight] = useState(minHeight);

  const measure = useCallback(() => {
    const element = ref.current;
    if (!element) return;
    const top = element.getBoundingClientRect().top + window.scrollY;
    setHeight(Math.max(minHeight, Math.floor(window.innerHeight - top - bottomGap)));
  }, [minHeight, bottomGap]);

  // Chips, the bulk bar or a wrapped toolbar move the element: measure after every render (it is cheap).
  useLayoutEffect(measure);

  useLayoutEffect(() => {
    let frame = 0;
    const schedule = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measure);
    };
    const observer = new ResizeObserver(schedule);
    observer.observe(document.body);
    window.addEventListener('resize', schedule);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      window.removeEventListener('resize', schedule);
    };
  }, [measure]);

  return { ref, height };
}
