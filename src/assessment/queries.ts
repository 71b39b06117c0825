import type { Selectable } from 'kysely'
import { annulmentOf } from '../annulment/marker.js'
import type { AssessmentsTable } from '../db/schema.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import type { Assessment } from './schemas.js'

type AssessmentRow = Selectable<AssessmentsTable>

/** The assessment's ETags differ from its case's, though both are keyed by the case id. */
export const assessmentEtagKey = (caseId: string): string => `assessment/${caseId}`

export const toAssessment = (row: AssessmentRow): Assessment => ({
  caseId: row.case_id,
  samletVurdering: row.samlet_vurdering,
  indsatsformaal: row.indsatsformaal,
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  ...annulmentOf(row)
})

export async function findAssessment (db: Executor, scope: Scope, caseId: string, { forUpdate = false } = {}): Promise<AssessmentRow | undefined> {
  const query = scopedSelect(db, scope, 'assessments', { annulled: true }).selectAll().where('case_id', '=', caseId)
  return await (forUpdate ? query.forUpdate() : query).executeTakeFirst()
}

/** Creates the assessment; undefined when another request created it first. */
export async function createAssessment (trx: Executor, values: {
  case_id: string, kommunekode: string, samlet_vurdering: string | null, indsatsformaal: string | null
}): Promise<AssessmentRow | undefined> {
  return await trx.insertInto('assessments').values(values).onConflict((oc) => oc.column('case_id').doNothing()).returningAll().executeTakeFirst()
}

export async function replaceAssessment (trx: Executor, caseId: string, values: {
  samlet_vurdering: string | null, indsatsformaal: string | null
}): Promise<AssessmentRow> {
  return await trx.updateTable('assessments')
    .set((eb) => ({ ...values, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('case_id', '=', caseId).returningAll().executeTakeFirstOrThrow()
}
