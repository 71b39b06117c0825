/**
 * Statistical disclosure control of the aggregates: a number of fewer than
 * `threshold` citizens (but more than none) is not published (primary
 * suppression), and where a published total would give a hidden number
 * back — a total less the other numbers it sums — a further number is
 * hidden too (complementary suppression): the smallest other number of
 * that total, or, when there is none, the total itself. Repeated until
 * every total with a hidden part has at least two hidden parts.
 */

export type SuppressionReason = 'below-threshold' | 'complementary'

export interface Entry {
  /** The citizens behind the number. */
  n: number
  reason: SuppressionReason | null
}

/** A published total and the numbers it adds up (counted conservatively as a sum, as distinct counts nearly are). */
export type Constraint = readonly [total: string, parts: readonly string[]]

export function suppress (entries: ReadonlyMap<string, Entry>, constraints: readonly Constraint[], threshold: number): void {
  for (const entry of entries.values()) if (entry.n > 0 && entry.n < threshold) entry.reason = 'below-threshold'
  const hidden = (key: string) => entries.get(key)?.reason != null
  let changed = true
  while (changed) {
    changed = false
    for (const [total, parts] of constraints) {
      const present = parts.filter((key) => entries.has(key))
      if (!entries.has(total) || hidden(total) || present.filter(hidden).length !== 1) continue
      const next = present.filter((key) => !hidden(key) && entries.get(key)!.n > 0)
        .sort((a, b) => entries.get(a)!.n - entries.get(b)!.n || a.localeCompare(b))[0]
      entries.get(next ?? total)!.reason = 'complementary'
      changed = true
    }
  }
}
