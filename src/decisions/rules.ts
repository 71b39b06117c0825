import type { Catalogs } from '../catalogs/catalogs.js'
import type { CatalogEntry } from '../catalogs/format.js'

/**
 * The seed's målgruppe rule, as the catalog expresses it (`topLevel`):
 * without a diagnosis only top-level målgrupper are reported; with one, the
 * detailed (registrable) ones. Checked when a decision is made and again at
 * export, since diagnoser may be recorded on the case later. Returns what is
 * wrong, or undefined.
 */
export function maalgruppeMismatch (catalogs: Catalogs, entry: CatalogEntry, day: string, hasDiagnosis: boolean): string | undefined {
  if (hasDiagnosis && !entry.selectable) {
    return `${entry.label} is a top-level målgruppe, reported only for a citizen without a diagnosis; this case lists diagnoser, so choose a detailed målgruppe`
  }
  if (!hasDiagnosis && entry.topLevel !== true) {
    let top: CatalogEntry | undefined = entry
    while (top !== undefined && top.topLevel !== true) top = top.parent === null ? undefined : catalogs.entry('maalgrupper', top.parent, day)?.entry
    return `the case lists no diagnoser, so only a top-level målgruppe is reported${top === undefined ? '' : ` (here ${top.label}, ${top.code})`}; ` +
      'record the diagnosis on the case to report a detailed one'
  }
  return undefined
}
