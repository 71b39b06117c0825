import type { Static } from 'typebox'
import type { Catalogs } from '../catalogs/catalogs.js'
import type { Dst } from './schemas.js'

/**
 * The DST ydelseskode and kontoplan function an intervention derives: the
 * one dst-mapping entry (in force on the bevillingsdato) naming its tilbud
 * and, where the entry requires it, a ydelse of that legal basis. No entry,
 * or more than one, is "not derivable" — never a guess.
 */
export function deriveDst (catalogs: Catalogs, tilbud: string, legalBases: Array<string | null>, date: string): Static<typeof Dst> {
  const list = catalogs.list('dst-mapping')
  const version = catalogs.versionAt('dst-mapping', date) ?? list?.versions.at(-1)
  const matches = (version?.entries ?? []).filter((entry) => entry.when !== undefined && entry.when.tilbud.includes(tilbud) &&
    (entry.when.ydelseLegalBasis === undefined || legalBases.includes(entry.when.ydelseLegalBasis)))
  const [match] = matches
  if (matches.length === 1 && match?.kontoplan !== undefined) {
    return { derivable: true, ydelseskode: match.code, label: match.label, kontoplan: match.kontoplan, catalogVersion: version!.version }
  }
  return {
    derivable: false,
    reason: matches.length === 0
      ? 'the dst-mapping catalog has no mapping for this tilbud with these ydelser'
      : `${matches.length} mappings of the dst-mapping catalog match; none is chosen`
  }
}
