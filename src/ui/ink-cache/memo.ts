/**
 * `fn` with its last `capacity` answers kept, by argument: the most recently
 * used stay, the oldest go first. For pure functions of a string only.
 */
export function memoByText<T>(fn: (text: string) => T, capacity: number): (text: string) => T {
  const kept = new Map<string, T>();
  return (text) => {
    const hit = kept.get(text);
    if (hit !== undefined) {
      // a Map iterates in insertion order: moving a hit to the end keeps the least recently used first
      kept.delete(text);
      kept.set(text, hit);
      return hit;
    }
    const value = fn(text);
    kept.set(text, value);
    if (kept.size > capacity) kept.delete(kept.keys().next().value!);
    return value;
  };
}
