import { etagOf, type Executor, type Guard, type Written } from '../db/unit-of-work.js'
import { touchCase } from '../cases/queries.js'
import { HttpProblem } from '../http/problems.js'
import { refuseAnnulled } from './marker.js'
import {
  dependantsOf, followUpsThatEndedTheCourse, type Item, lockOwningDecision, lockTarget, markAnnulled, markDecisionsChanged, partsOf
} from './queries.js'
import type { AnnullableKind, Annulment, AnnulmentReason, AnnulmentRequest } from './schemas.js'

/** A record as a client names it: its kind, and the columns its URL pins (its id, case, theme or decision). */
export interface Named {
  kind: AnnullableKind
  where: Record<string, string>
  /** How the client calls it in a problem's detail. */
  label: string
  /** The key of its ETag (the record's id; an assessment's is its own). */
  etagKey: (id: string) => string
}

/** A problem's word for an item: kind and id. */
const named = (item: Item): string => `${item.kind} ${item.id}`

/**
 * Annuls a record (entered in error) with If-Match: it and its parts (a
 * decision's interventions, ydelser, støttebehov and follow-ups; an
 * intervention's ydelser; a follow-up's levels and støttebehov) are marked
 * and leave every view, list, delivery and worklist; they stay in the
 * database and the audit trail, and cannot change any more (409). A record
 * others rely on is refused (409 naming them) unless the client asks for
 * the cascade, which annuls them too, and what relies on them in turn.
 * The decisions whose document changed get a new version, changed now.
 */
export async function annul (trx: Executor, guard: Guard, target: Named, request: AnnulmentRequest, at: Date): Promise<Written<Annulment>> {
  const { kind } = target
  const idParam = target.where.id ?? target.where.case_id!
  await lockOwningDecision(trx, kind, idParam)
  const row = await lockTarget(trx, guard.scope, kind, target.where)
  if (row === undefined) throw new HttpProblem('not-found', `No ${target.label} in the municipalities this client serves`)
  refuseAnnulled(row, target.label)
  guard.ifMatch(target.etagKey(row.id), row.version)
  const items = await closure(trx, { kind, id: row.id }, request.cascade === true)
  const refused = await followUpsThatEndedTheCourse(trx,
    items.filter((i) => i.kind === 'follow-up').map((i) => i.id), items.filter((i) => i.kind === 'decision').map((i) => i.id))
  if (refused.length > 0) {
    throw new HttpProblem('conflict', `Follow-up ${refused.join(', ')} ended its decision's course; annul the decision (omgjort efter klage) ` +
      'or record a new follow-up instead', { errors: refused.map((id) => ({ in: 'path', pointer: '/', code: 'ended-course', message: `follow-up ${id} ended the course` })) })
  }
  const reason: AnnulmentReason = request.reason
  const comment = request.comment ?? null
  await markAnnulled(trx, items, { at, reason, comment })
  await markDecisionsChanged(trx, items, at)
  await touchCase(trx, row.caseId)
  return {
    status: 200,
    body: { resourceType: kind, id: row.id, annulment: { annulledAt: at.toISOString(), reason, comment }, annulled: items.map((item) => ({ resourceType: item.kind, id: item.id })) },
    etag: etagOf(target.etagKey(row.id), row.version + 1),
    resourceId: row.id,
    kommunekode: row.kommunekode,
    details: { reason, annulled: items.map(named) }
  }
}

/**
 * The record, its parts and — with `cascade` — what relies on it, each
 * with its own parts and dependants in turn; without it, a dependant is a
 * 409 naming every one.
 */
async function closure (db: Executor, start: Item, cascade: boolean): Promise<Item[]> {
  const seen = new Map([[`${start.kind} ${start.id}`, start]])
  const refused: Array<{ dependant: Item, on: Item }> = []
  const queue = [start]
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const [parts, dependants] = await Promise.all([partsOf(db, item), dependantsOf(db, item)])
    for (const next of [...parts, ...(cascade ? dependants : [])]) {
      if (seen.has(named(next))) continue
      seen.set(named(next), next)
      queue.push(next)
    }
    if (!cascade) for (const dependant of dependants) if (!seen.has(named(dependant))) refused.push({ dependant, on: item })
  }
  if (refused.length > 0) {
    throw new HttpProblem('conflict', `Other records rely on it: ${refused.map((r) => named(r.dependant)).join(', ')}. Annul them first, ` +
      'or send "cascade": true to annul them with it', {
      errors: refused.map(({ dependant, on }) => ({ in: 'body', pointer: '/cascade', code: 'has-dependants', message: `${named(dependant)} relies on ${named(on)}` }))
    })
  }
  return [...seen.values()]
}
