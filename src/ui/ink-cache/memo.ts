/**
 * `fn` with its answers kept by argument, the least recently used going first
 * once the texts kept hold more than `budget` characters in all: what an
 * answer costs grows with its text, so the bound is on characters, and the
 * memory kept follows the size of the screen, not the number of lines.
 * For pure functions of a string only.
 */
export function memoByText<T>(fn: (text: string) => T, budget: number): (text: string) => T {
  const kept = new Map<string, T>();
  let held = 0;
  // an entry costs something even for an empty text
  const weigh = (text: string) => text.length + 1;
  return (text) => {
    const hit = kept.get(text);
    if (hit !== undefined) {
      // a Map iterates in insertion order: moving a hit to the end keeps the least recently used first
      kept.delete(text);
      kept.set(text, hit);
      return hit;
    }
    const value = fn(text);
    if (weigh(text) > budget) return value;
    kept.set(text, value);
    held += weigh(text);
    while (held > budget) {
      const oldest = kept.keys().next().value!;
      held -= weigh(oldest);
      kept.delete(oldest);
    }
    return value;
  };
}
