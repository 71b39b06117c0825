import { sql, type RawBuilder } from 'kysely'

/** Helpers for the queries of every area: keyset conditions and grouping rows. */

/** Rows after an (instant, seq) key, for a list ordered by that instant column, then seq. */
export const afterInstantSeq = (column: string, [at, seq]: [string, number]): RawBuilder<boolean> =>
  sql<boolean>`(${sql.ref(column)}, ${sql.ref('seq')}) > (${new Date(at)}::timestamptz, ${seq}::bigint)`

/** Rows of a batch by a key (e.g. the parent they belong to), in their order. */
export function groupBy<R, K> (rows: R[], key: (row: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>()
  for (const row of rows) {
    const group = groups.get(key(row))
    if (group === undefined) groups.set(key(row), [row])
    else group.push(row)
  }
  return groups
}
