import { sql } from 'kysely'
import type { Client } from '../clients/clients.js'
import { selectDecisions, type DecisionRow } from '../decisions/queries.js'
import { HttpProblem } from '../http/problems.js'
import type { Executor } from '../http/writes.js'

/** The decisions of the uddata export. */

/**
 * The decision a client names by our id or by its sagsafgoerelsesId, else a
 * 404; a sagsafgoerelsesId several of its municipalities use is a 409 unless
 * `kommunekode` picks one.
 */
export async function requireUddataDecision (db: Executor, caller: Client, id: string, kommunekode: string | undefined): Promise<DecisionRow> {
  let query = selectDecisions(db, caller)
    .where((eb) => eb.or([eb(sql<string>`id::text`, '=', id.toLowerCase()), eb('sagsafgoerelses_id', '=', id)]))
  if (kommunekode !== undefined) query = query.where('kommunekode', '=', kommunekode)
  const rows = await query.limit(2).execute()
  if (rows.length === 0) throw new HttpProblem('not-found', `No decision ${id} in the municipalities this client serves`)
  if (rows.length > 1) throw new HttpProblem('conflict', `Decisions in several municipalities use sagsafgoerelsesId ${id}; add ?kommunekode=`)
  return rows[0]!
}

/** Which decisions a stream exports: of one municipality, and changed (the decision or its case) since an instant. */
export interface UddataFilter { kommunekode?: string | undefined, since?: Date | undefined }

/** The next `limit` decisions after `after` (a seq), in the order they were made. */
export async function nextDecisions (db: Executor, caller: Client, { kommunekode, since }: UddataFilter, after: number, limit: number): Promise<DecisionRow[]> {
  let query = selectDecisions(db, caller).where('seq', '>', after).orderBy('seq').limit(limit)
  if (kommunekode !== undefined) query = query.where('kommunekode', '=', kommunekode)
  if (since !== undefined) {
    query = query.where((eb) => eb.or([
      eb('changed_at', '>=', since),
      eb.exists(eb.selectFrom('cases').select('cases.id').whereRef('cases.id', '=', 'decisions.case_id').where('cases.changed_at', '>=', since))
    ]))
  }
  return await query.execute()
}
