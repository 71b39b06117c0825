import type { Catalogs } from '../catalogs/catalogs.js'
import type { CatalogEntry } from '../catalogs/format.js'
import { HttpProblem } from '../http/problems.js'
import type { AnalyticsFilter, LevelMaps } from './queries.js'
import type { AnalyticsQuery } from './schemas.js'

/** Every entry of a list in any of its versions (codes are stable across versions; the newest entry wins). */
function entriesOf (catalogs: Catalogs, list: string): CatalogEntry[] {
  const byCode = new Map<string, CatalogEntry>()
  for (const version of catalogs.list(list)?.versions ?? []) for (const entry of version.entries) byCode.set(entry.code, entry)
  return [...byCode.values()]
}

/**
 * A query's filters as the plain codes the SQL takes: a paragraf names the
 * ydelser and tilbud of that legal basis, a DST ydelseskode the tilbud
 * (and, where the mapping asks, the ydelser of a legal basis) that derive
 * it. An unknown paragraf or ydelseskode is a 400 naming the field.
 */
export function resolveFilter (catalogs: Catalogs, query: AnalyticsQuery, today: string): AnalyticsFilter {
  const from = query.from ?? '1900-01-01'
  const to = query.to ?? today
  const refuse = (pointer: string, message: string): never => {
    throw new HttpProblem('validation', `${pointer}: ${message}`, { errors: [{ in: 'query', pointer, code: 'invalid', message }] })
  }
  if (from > to) refuse('/from', `the period starts (${from}) after it ends (${to})`)
  let paragraf: AnalyticsFilter['paragraf'] = null
  if (query.paragraf !== undefined) {
    const of = (list: string) => entriesOf(catalogs, list).filter((e) => e.legalBasis === query.paragraf).map((e) => e.code)
    paragraf = { ydelser: of('ydelser'), tilbud: of('tilbud') }
    if (paragraf.ydelser.length + paragraf.tilbud.length === 0) refuse('/paragraf', `no ydelse or tilbud of the catalogs has the legal basis "${query.paragraf}"`)
  }
  let dst: AnalyticsFilter['dst'] = null
  if (query.dstYdelseskode !== undefined) {
    const mapping = entriesOf(catalogs, 'dst-mapping').find((e) => e.code === query.dstYdelseskode)
    const when = mapping?.when
    if (when === undefined) return refuse('/dstYdelseskode', `${query.dstYdelseskode} is not a ydelseskode of the dst-mapping catalog`)
    const basis = when.ydelseLegalBasis
    dst = { tilbud: when.tilbud, ydelser: basis === undefined ? null : entriesOf(catalogs, 'ydelser').filter((e) => e.legalBasis === basis).map((e) => e.code) }
  }
  return {
    from,
    to,
    kommunekode: query.kommunekode ?? null,
    maalgruppe: query.maalgruppe ?? null,
    tilbud: query.tilbud === undefined ? null : [query.tilbud],
    ydelser: query.ydelse === undefined ? null : [query.ydelse],
    paragraf,
    dst
  }
}

/** The catalogs' levels of funktionsevneniveau and the overtema of each A&D undertema, for the SQL. */
export function levelMaps (catalogs: Catalogs): LevelMaps {
  const leveled = entriesOf(catalogs, 'funktionsevneniveau').filter((e) => typeof e.level === 'number')
  const undertemaer = entriesOf(catalogs, 'aktivitet-og-deltagelse').filter((e) => e.parent != null)
  return {
    funktionsevne: { codes: leveled.map((e) => e.code), levels: leveled.map((e) => e.level!) },
    overtema: { undertemaer: undertemaer.map((e) => e.code), overtemaer: undertemaer.map((e) => e.parent!) }
  }
}

/** A code's label in whichever list knows it (null for none). */
export function labelIn (catalogs: Catalogs, lists: readonly string[], code: string): string | null {
  for (const list of lists) {
    const label = entriesOf(catalogs, list).find((e) => e.code === code)?.label
    if (label !== undefined) return label
  }
  return null
}
