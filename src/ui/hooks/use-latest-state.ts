import { useCallback, useRef, useState, type RefObject } from 'react';

/**
 * State whose latest value a key handler reads from the ref: keys that
 * arrive in one read (Down Down, a held key) are handled one after another
 * before React renders again, and each must build on the one before.
 */
export function useLatestState<T>(initial: T): [T, (next: T | ((previous: T) => T)) => void, RefObject<T>] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  const set = useCallback((next: T | ((previous: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (previous: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}
