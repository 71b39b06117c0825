import type { Catalogs } from '../catalogs/catalogs.js'
import type { Static } from 'typebox'
import type { CatalogEntry } from '../catalogs/format.js'
import { fieldProblem, HttpProblem, type ValidationIssue } from '../http/problems.js'
import type { LeverandoerInput } from './schemas.js'

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

/**
 * A decision's own opfølgningsdato is not before its afgørelsesdato (as a
 * goal's is not before its registration day), on create and on a
 * correction; the field that moved is named.
 */
export function checkOpfoelgningsdato (dates: { afgoerelsesdato: string, opfoelgningsdato: string | null }, moved: 'opfoelgningsdato' | 'afgoerelsesdato'): void {
  const { afgoerelsesdato, opfoelgningsdato } = dates
  if (opfoelgningsdato === null || opfoelgningsdato >= afgoerelsesdato) return
  throw moved === 'opfoelgningsdato'
    ? fieldProblem('domain-rule', '/opfoelgningsdato', 'before-afgoerelsesdato', `must not be before the afgørelsesdato ${afgoerelsesdato}`)
    : fieldProblem('domain-rule', '/afgoerelsesdato', 'after-opfoelgningsdato', `must not be after the decision's opfølgningsdato ${opfoelgningsdato}`)
}

/** CVR numbers carry a modulus-11 check digit: weights 2,7,6,5,4,3,2,1. */
export const validCvr = (cvr: string): boolean =>
  /^\d{8}$/.test(cvr) && [...cvr].reduce((sum, digit, i) => sum + Number(digit) * [2, 7, 6, 5, 4, 3, 2, 1][i]!, 0) % 11 === 0

/** The provider is a P-nummer, or a valid CVR with navn, adresse and postnummer: else a 400 naming what is missing. */
export function checkProvider (provider: Static<typeof LeverandoerInput>): void {
  if (provider.pNummer !== undefined) return
  const missing = (['cvr', 'navn', 'adresse', 'postnummer'] as const).filter((field) => provider[field] === undefined)
  if (missing.length > 0) {
    const errors: ValidationIssue[] = missing.map((field) => ({
      in: 'body', pointer: `/leverandoer/${field}`, code: 'provider', message: 'is required when no pNummer is given'
    }))
    throw new HttpProblem('validation', 'Identify the provider by pNummer, or by cvr with navn, adresse and postnummer', { errors })
  }
  if (!validCvr(provider.cvr!)) throw fieldProblem('validation', '/leverandoer/cvr', 'modulus-11', 'is not a valid CVR number (modulus-11 check fails)')
}
