import type { Selectable, Updateable } from 'kysely'
import type { DecisionsTable, StoettebehovTable } from '../db/schema.js'
import type { Executor } from '../db/unit-of-work.js'
import { recordVersion } from '../versions/queries.js'

type DecisionRow = Selectable<DecisionsTable>
export type StoettebehovRow = Selectable<StoettebehovTable>

/**
 * The fields of a decision that make up one of its versions (GET
 * /v1/decisions/{id}/versions): what a correction may change. The
 * decision's `version` also moves when something on it changes (a new
 * intervention, a follow-up), so its versions have gaps.
 */
export interface DecisionVersionData {
  afgoerelsesdato: string
  /** The decision's own agreed follow-up date. */
  opfoelgningsdato: string | null
  primaerMaalgruppe: string
  oevrigeMaalgrupper: string[]
  /** The decision's own støttebehov (the one it was made with; follow-ups record theirs). */
  stoettebehov: { code: string, begrundelse: string }
}

export const decisionVersionData = (d: DecisionRow, s: StoettebehovRow): DecisionVersionData => ({
  afgoerelsesdato: d.afgoerelsesdato,
  opfoelgningsdato: d.opfoelgningsdato,
  primaerMaalgruppe: d.primaer_maalgruppe,
  oevrigeMaalgrupper: d.oevrige_maalgrupper,
  stoettebehov: { code: s.code, begrundelse: s.begrundelse }
})

/** Keeps the version of a decision just written (its version at that moment), with who wrote it and why. */
export async function recordDecisionVersion (trx: Executor, d: DecisionRow, s: StoettebehovRow, clientId: string, reason?: string | null): Promise<void> {
  await recordVersion(trx, {
    resourceType: 'decision', resourceId: d.id, version: d.version, kommunekode: d.kommunekode, data: decisionVersionData(d, s), clientId, reason
  })
}

/** The støttebehov a decision was made with (not one a follow-up recorded), annulled or not; locked for a correction when asked. */
export async function ownStoettebehov (db: Executor, decisionId: string, { lock = false } = {}): Promise<StoettebehovRow> {
  const query = db.selectFrom('stoettebehov').selectAll().where('decision_id', '=', decisionId).where('follow_up_id', 'is', null).orderBy('seq').limit(1)
  return await (lock ? query.forUpdate() : query).executeTakeFirstOrThrow()
}

/** Corrects a decision's own fields: a new version of the decision, changed now. */
export async function updateDecision (trx: Executor, id: string, set: Updateable<DecisionsTable>): Promise<DecisionRow> {
  return await trx.updateTable('decisions').set((eb) => ({ ...set, version: eb('version', '+', 1), changed_at: new Date() }))
    .where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}

/** Corrects the code or begrundelse of a decision's own støttebehov. */
export async function updateStoettebehov (trx: Executor, id: string, set: { code: string, begrundelse: string }): Promise<StoettebehovRow> {
  return await trx.updateTable('stoettebehov').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
}
