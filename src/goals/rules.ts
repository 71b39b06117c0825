import type { Catalogs } from '../catalogs/catalogs.js'
import { fieldProblem } from '../http/problems.js'

/**
 * The rules of a goal's fields, on create and on a correction: codes of the
 * catalogs in force on the goal's registration day, an opfølgningsdato not
 * before it, an expected level that is a level, related sub-themes other
 * than the primary one.
 */
export function checkGoalFields (catalogs: Catalogs,
  fields: { maaltype?: string, forventetFunktionsevneniveau?: string, opfoelgningsdato?: string, relateredeUndertemaer?: string[] },
  primary: string, day: string): void {
  const index = (fields.relateredeUndertemaer ?? []).indexOf(primary)
  if (index >= 0) throw fieldProblem('validation', `/relateredeUndertemaer/${index}`, 'primary', 'repeats the primary sub-theme; list only other sub-themes')
  if (fields.opfoelgningsdato !== undefined && fields.opfoelgningsdato < day) {
    throw fieldProblem('validation', '/opfoelgningsdato', 'before-registration', `must not be before the registration day ${day}`)
  }
  if (fields.maaltype !== undefined) catalogs.check('maaltype', fields.maaltype, day, '/maaltype')
  if (fields.forventetFunktionsevneniveau !== undefined &&
    catalogs.check('funktionsevneniveau', fields.forventetFunktionsevneniveau, day, '/forventetFunktionsevneniveau').level === null) {
    throw fieldProblem('validation', '/forventetFunktionsevneniveau', 'not-a-level', 'must be a level 0–4: "Ikke vurderet" is no expected level')
  }
  ;(fields.relateredeUndertemaer ?? []).forEach((code, i) => catalogs.check('aktivitet-og-deltagelse', code, day, `/relateredeUndertemaer/${i}`))
}
