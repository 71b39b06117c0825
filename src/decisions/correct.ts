import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import { refuseAnnulled } from '../annulment/marker.js'
import { requireCase, touchCase } from '../cases/queries.js'
import { etagOf, type Executor, type Guard, type Written } from '../db/unit-of-work.js'
import { fieldProblem } from '../http/problems.js'
import { loadDecisions, requireDecision, type DecisionRow } from './queries.js'
import { checkOpfoelgningsdato, maalgruppeMismatch } from './rules.js'
import type { Decision } from './schemas.js'
import { decisionVersionData, ownStoettebehov, recordDecisionVersion, updateDecision, updateStoettebehov, type DecisionVersionData } from './versions.js'

/** A correction as its route parsed it: the fields sent; `oevrige` is the whole new list. */
export interface DecisionChange {
  afgoerelsesdato?: string
  /** null clears it. */
  opfoelgningsdato?: string | null
  maalgrupper?: { primaer?: string, oevrige?: string[] }
  stoettebehov?: { code?: string, begrundelse?: string }
}

/**
 * Corrects a decision recorded wrong (If-Match: the decision's ETag): its
 * afgørelsesdato, its own opfølgningsdato, målgrupper and its own
 * støttebehov, under the create rules — codes of the catalog in force on their registration day, the
 * målgruppe level the case's diagnoser ask for — a new version kept with
 * its reason. A closed decision is corrected too (it was recorded wrong; a
 * correction is no change of course), but its afgørelsesdato stays on or
 * before its ending. An annulled one is not (409). A correction that
 * changes nothing writes nothing.
 */
export async function correctDecision (trx: Executor, guard: Guard, catalogs: Catalogs, id: string, change: DecisionChange,
  { reason, today }: { reason?: string, today: string }): Promise<Written<Decision>> {
  const current = await requireDecision(trx, guard.scope, id, { lock: true })
  refuseAnnulled(current, `decision ${id}`)
  guard.ifMatch(current.id, current.version)
  const need = await ownStoettebehov(trx, current.id, { lock: true })
  const before = decisionVersionData(current, need)
  const after: DecisionVersionData = {
    afgoerelsesdato: change.afgoerelsesdato ?? before.afgoerelsesdato,
    opfoelgningsdato: change.opfoelgningsdato === undefined ? before.opfoelgningsdato : change.opfoelgningsdato,
    primaerMaalgruppe: change.maalgrupper?.primaer ?? before.primaerMaalgruppe,
    oevrigeMaalgrupper: change.maalgrupper?.oevrige ?? before.oevrigeMaalgrupper,
    stoettebehov: { code: change.stoettebehov?.code ?? before.stoettebehov.code, begrundelse: change.stoettebehov?.begrundelse ?? before.stoettebehov.begrundelse }
  }
  if (current.closed_at !== null && after.afgoerelsesdato > current.closed_at) {
    throw fieldProblem('domain-rule', '/afgoerelsesdato', 'after-ending', `must not be after the decision's ending on ${current.closed_at}`)
  }
  checkOpfoelgningsdato(after, change.opfoelgningsdato === undefined ? 'afgoerelsesdato' : 'opfoelgningsdato')
  if (change.stoettebehov?.code !== undefined) catalogs.check('stoettebehov', change.stoettebehov.code, dayInDenmark(need.registered_at), '/stoettebehov/code')
  if (change.maalgrupper !== undefined) await checkMaalgrupper(trx, guard, catalogs, current, change.maalgrupper, after)

  const changed = [
    ...(after.afgoerelsesdato === before.afgoerelsesdato ? [] : ['afgoerelsesdato']),
    ...(after.opfoelgningsdato === before.opfoelgningsdato ? [] : ['opfoelgningsdato']),
    ...(after.primaerMaalgruppe === before.primaerMaalgruppe ? [] : ['maalgrupper/primaer']),
    ...(JSON.stringify(after.oevrigeMaalgrupper) === JSON.stringify(before.oevrigeMaalgrupper) ? [] : ['maalgrupper/oevrige']),
    ...(['code', 'begrundelse'] as const).filter((field) => after.stoettebehov[field] !== before.stoettebehov[field]).map((field) => `stoettebehov/${field}`)
  ]
  let row = current
  if (changed.length > 0) {
    const corrected = changed.some((field) => field.startsWith('stoettebehov/')) ? await updateStoettebehov(trx, need.id, after.stoettebehov) : need
    row = await updateDecision(trx, current.id, {
      afgoerelsesdato: after.afgoerelsesdato,
      opfoelgningsdato: after.opfoelgningsdato,
      primaer_maalgruppe: after.primaerMaalgruppe,
      oevrige_maalgrupper: after.oevrigeMaalgrupper
    })
    await recordDecisionVersion(trx, row, corrected, guard.scope.id, reason)
    await touchCase(trx, row.case_id)
  }
  const [body] = await loadDecisions(trx, guard.scope, catalogs, [row], today)
  return { status: 200, body: body!, etag: etagOf(row.id, row.version), resourceId: row.id, kommunekode: row.kommunekode, changed }
}

/**
 * The målgrupper sent, under the create rules: the primary one not repeated
 * among the others, every code in the catalog in force on the day the
 * målgrupper were registered, and of the level the case's diagnoser ask for
 * (the seed's målgruppe rule, `maalgruppeMismatch`).
 */
async function checkMaalgrupper (trx: Executor, guard: Guard, catalogs: Catalogs, current: DecisionRow,
  sent: NonNullable<DecisionChange['maalgrupper']>, after: DecisionVersionData): Promise<void> {
  const repeated = after.oevrigeMaalgrupper.indexOf(after.primaerMaalgruppe)
  if (repeated >= 0) {
    const [pointer, message] = sent.oevrige === undefined
      ? ['/maalgrupper/primaer', 'is one of the decision\'s other målgrupper']
      : [`/maalgrupper/oevrige/${repeated}`, 'repeats the primary målgruppe']
    throw fieldProblem('validation', pointer, 'primary', message)
  }
  const day = dayInDenmark(current.maalgrupper_registered_at)
  const codes = [
    ...(sent.primaer === undefined ? [] : [{ pointer: '/maalgrupper/primaer', code: sent.primaer }]),
    ...(sent.oevrige ?? []).map((code, i) => ({ pointer: `/maalgrupper/oevrige/${i}`, code }))
  ]
  const entries = codes.map(({ pointer, code }) => ({ pointer, entry: catalogs.check('maalgrupper', code, day, pointer) }))
  if (entries.length === 0) return
  const hasDiagnosis = (await requireCase(trx, guard.scope, current.case_id)).diagnoser.length > 0
  for (const { pointer, entry } of entries) {
    const mismatch = maalgruppeMismatch(catalogs, entry, day, hasDiagnosis)
    if (mismatch !== undefined) throw fieldProblem('domain-rule', pointer, 'maalgruppe-level', mismatch)
  }
}
