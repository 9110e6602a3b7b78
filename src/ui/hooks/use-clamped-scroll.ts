import { useEffect, type RefObject } from 'react';
import { useLatestState } from './use-latest-state.js';

/**
 * A scroll offset that never goes past `limit`, even when the limit shrinks
 * (a resize, shorter content): the value returned is already within it, and
 * the state follows after the render.
 */
export function useClampedScroll(limit: number): [number, (next: number | ((previous: number) => number)) => void, RefObject<number>] {
  const [scroll, setScroll, ref] = useLatestState(0);
  useEffect(() => {
    if (ref.current > limit) setScroll(limit);
  }, [limit, ref, setScroll]);
  return [Math.min(scroll, limit), setScroll, ref];
}
