import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import { refuseAnnulled } from '../annulment/marker.js'
import { touchCase } from '../cases/queries.js'
import { markDecisionChanged } from '../decisions/queries.js'
import { etagOf, type Executor, type Guard, type Written } from '../db/unit-of-work.js'
import { fieldProblem, HttpProblem } from '../http/problems.js'
import {
  decisionsOfCase, goalsOnRegistration, lockRegistration, recordRegistrationVersion, registrationVersionData, toRegistration, updateRegistration,
  type RegistrationRow, type RegistrationVersionData
} from './queries.js'
import type { Registration, Theme } from './schemas.js'

/** A correction as its route parsed it: the fields sent (a text cleared with null), the datostempel as an instant. */
export interface RegistrationChange {
  undertema?: string
  funktionsevneniveau?: string
  registeredAt?: Date
  oplysningerFraBorgeren?: string | null
  oplysningerFraAndre?: string | null
  sagsbehandlersBemaerkninger?: string | null
}

/**
 * Corrects a registration recorded wrong (If-Match: its ETag): a new
 * version kept with its reason, the codes checked against the catalogs in
 * force on its (corrected) day, and every decision of the case marked
 * changed (their uddata documents carry the case's theme blocks). A
 * correction that changes nothing writes nothing.
 */
export async function correctRegistration (trx: Executor, guard: Guard, catalogs: Catalogs,
  at: { caseId: string, theme: Theme, registrationId: string }, change: RegistrationChange, reason?: string): Promise<Written<Registration>> {
  const current = await lockRegistration(trx, guard.scope, at.caseId, at.theme.id, at.registrationId)
  if (current === undefined) {
    throw new HttpProblem('not-found', `No ${at.theme.title} registration ${at.registrationId} on case ${at.caseId} in the municipalities this client serves`)
  }
  refuseAnnulled(current, `registration ${current.id}`)
  guard.ifMatch(current.id, current.version)
  const before = registrationVersionData(current)
  const after: RegistrationVersionData = {
    undertema: change.undertema ?? before.undertema,
    funktionsevneniveau: change.funktionsevneniveau ?? before.funktionsevneniveau,
    registeredAt: change.registeredAt?.toISOString() ?? before.registeredAt,
    oplysningerFraBorgeren: change.oplysningerFraBorgeren === undefined ? before.oplysningerFraBorgeren : change.oplysningerFraBorgeren,
    oplysningerFraAndre: change.oplysningerFraAndre === undefined ? before.oplysningerFraAndre : change.oplysningerFraAndre,
    sagsbehandlersBemaerkninger: change.sagsbehandlersBemaerkninger === undefined ? before.sagsbehandlersBemaerkninger : change.sagsbehandlersBemaerkninger
  }
  const changed = (Object.keys(after) as Array<keyof RegistrationVersionData>).filter((field) => after[field] !== before[field])
  let row = current
  if (changed.length > 0) {
    const coded = changed.some((field) => field === 'undertema' || field === 'funktionsevneniveau' || field === 'registeredAt')
    if (coded) await checkDependants(trx, current, changed, after)
    const day = dayInDenmark(new Date(after.registeredAt))
    if (coded) checkCodes(catalogs, at.theme, after, day, change)
    row = await updateRegistration(trx, current.id, {
      undertema: after.undertema,
      funktionsevneniveau: after.funktionsevneniveau,
      registered_at: new Date(after.registeredAt),
      oplysninger_fra_borgeren: after.oplysningerFraBorgeren,
      oplysninger_fra_andre: after.oplysningerFraAndre,
      sagsbehandlers_bemaerkninger: after.sagsbehandlersBemaerkninger,
      ...(coded ? { catalog_version: catalogs.versionAt(at.theme.id, day)?.version ?? '' } : {})
    })
    await recordRegistrationVersion(trx, row, guard.scope.id, reason)
    for (const decision of await decisionsOfCase(trx, current.case_id)) await markDecisionChanged(trx, decision)
    await touchCase(trx, current.case_id)
  }
  return { status: 200, body: toRegistration(catalogs, row), etag: etagOf(row.id, row.version), resourceId: at.caseId, kommunekode: row.kommunekode, changed }
}

/** The codes of the corrected registration, against the catalogs in force on its (corrected) day: the create rule. */
function checkCodes (catalogs: Catalogs, theme: Theme, after: RegistrationVersionData, day: string, change: RegistrationChange): void {
  // A code not sent is the stored one: when it fails on a moved date, the date is what the client changed.
  const pointer = (field: 'undertema' | 'funktionsevneniveau') => change[field] === undefined ? '/registeredAt' : `/${field}`
  catalogs.check(theme.id, after.undertema, day, pointer('undertema'))
  if (after.funktionsevneniveau !== null) catalogs.check('funktionsevneniveau', after.funktionsevneniveau, day, pointer('funktionsevneniveau'))
}

/**
 * What others built on the registration: a goal takes its current level
 * from it (its sub-theme is the goal's primary one, its date not after the
 * goal's), and a follow-up's new level is a registration the follow-up owns
 * (its sub-theme, date and level are corrected through the follow-up).
 */
async function checkDependants (trx: Executor, current: RegistrationRow, changed: Array<keyof RegistrationVersionData>,
  after: RegistrationVersionData): Promise<void> {
  if (current.follow_up_id !== null) {
    const field = changed.find((f) => f === 'undertema' || f === 'funktionsevneniveau' || f === 'registeredAt')!
    const followUp = await trx.selectFrom('follow_ups').select(['id', 'decision_id']).where('id', '=', current.follow_up_id).executeTakeFirstOrThrow()
    throw fieldProblem('domain-rule', `/${field}`, 'made-by-follow-up',
      `belongs to follow-up ${followUp.id}, which registered this level: its sub-theme and datostempel are the follow-up's, and its level is ` +
      `corrected through the follow-up (PATCH /v1/decisions/${followUp.decision_id}/follow-ups/${followUp.id}); only the texts are corrected here`)
  }
  const goals = await goalsOnRegistration(trx, current.id)
  if (goals.length === 0) return
  const named = goals.map((g) => g.id).join(', ')
  if (changed.includes('undertema')) {
    throw fieldProblem('domain-rule', '/undertema', 'goal-depends',
      `cannot change: goal ${named} takes its current level from this registration and has its sub-theme as primary sub-theme; ` +
      'register the right sub-theme anew (POST) and set the goal on it, or correct the level')
  }
  const later = goals.filter((g) => g.registered_at.getTime() < new Date(after.registeredAt).getTime())
  if (changed.includes('registeredAt') && later.length > 0) {
    throw fieldProblem('domain-rule', '/registeredAt', 'goal-depends',
      `must not be after the registration of goal ${later.map((g) => g.id).join(', ')} (${later[0]!.registered_at.toISOString()}), ` +
      'which takes its current level from this registration')
  }
}
