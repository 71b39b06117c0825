import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import { requireCase } from '../cases/queries.js'
import { groupBy } from '../db/rows.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import { HttpProblem } from '../http/problems.js'
import { labelIn } from './filters.js'
import type { Progression } from './schemas.js'

/**
 * One citizen's progression on a case (or one decision of it): read as the
 * case stands — annulled records left out, corrected ones current — in a
 * handful of queries of that case's rows.
 */
export async function loadProgression (db: Executor, scope: Scope, catalogs: Catalogs, caseId: string, decisionId: string | null): Promise<Progression> {
  const found = await requireCase(db, scope, caseId)
  const { registrations, counted, stoettebehov, goals, assessed, ydelser } = await progressionRows(db, scope, caseId, decisionId)
  const standing = registrations.filter((r) => r.follow_up_id === null || counted.has(r.follow_up_id))
  const level = (list: string, code: string, at?: Date) => catalogs.leveled(list, code, at === undefined ? undefined : dayInDenmark(at))
  const ad = (code: string) => ({ code, label: labelIn(catalogs, ['aktivitet-og-deltagelse'], code) })
  const parentOf = (code: string) => catalogs.list('aktivitet-og-deltagelse')?.versions.flatMap((v) => v.entries).find((e) => e.code === code)?.parent ?? null
  const byUndertema = groupBy(standing.filter((r) => r.funktionsevneniveau !== null), (r) => r.undertema)
  const registrationById = new Map(registrations.map((r) => [r.id, r]))

  const undertemaer = [...byUndertema].map(([undertema, rows]) => {
    const parent = parentOf(undertema)
    return {
      undertema: ad(undertema),
      overtema: parent === null ? null : ad(parent),
      levels: rows.map((r) => ({
        registeredAt: r.registered_at.toISOString(),
        funktionsevneniveau: level('funktionsevneniveau', r.funktionsevneniveau!, r.registered_at),
        source: r.follow_up_id === null ? 'investigation' as const : 'follow-up' as const
      }))
    }
  })
  return {
    caseId: found.id,
    decisionId,
    kommunekode: found.kommunekode,
    undertemaer,
    overtemaer: overtemaerOf(undertemaer),
    stoettebehov: stoettebehov.map((s) => ({
      decisionId: s.decision_id,
      registeredAt: s.registered_at.toISOString(),
      stoettebehov: level('stoettebehov', s.code, s.registered_at),
      source: s.follow_up_id === null ? 'decision' as const : 'follow-up' as const
    })),
    goals: goals.filter((g, i) => goals.findIndex((o) => o.id === g.id) === i).map((g) => {
      const latest = assessed.filter((a) => a.goal_id === g.id && counted.has(a.follow_up_id)).at(-1)
      const start = registrationById.get(g.aktuel_registration_id)
      const reached = latest === undefined ? undefined : registrationById.get(latest.registration_id)
      return {
        goalId: g.id,
        undertema: ad(g.primaert_undertema),
        maaltype: catalogs.coded('maaltype', g.maaltype),
        startLevel: start?.funktionsevneniveau == null ? null : level('funktionsevneniveau', start.funktionsevneniveau),
        expectedLevel: level('funktionsevneniveau', g.forventet_funktionsevneniveau),
        reachedLevel: reached?.funktionsevneniveau == null ? null : level('funktionsevneniveau', reached.funktionsevneniveau),
        maalOpnaaet: latest?.maal_opnaaet ?? null,
        opfoelgningsdato: g.opfoelgningsdato
      }
    }),
    ydelser: ydelser.map((y) => ({
      decisionId: y.decision_id,
      ydelse: catalogs.coded('ydelser', y.code),
      tilbud: catalogs.coded('tilbud', y.tilbud),
      startdato: y.startdato,
      slutdato: y.slutdato
    }))
  }
}

/** The case's rows a progression shows: of one decision, or of all its standing ones. */
async function progressionRows (db: Executor, scope: Scope, caseId: string, decisionId: string | null) {
  let decisionsQuery = scopedSelect(db, scope, 'decisions').select(['id', 'afgoerelsesdato']).where('case_id', '=', caseId).orderBy('seq')
  if (decisionId !== null) decisionsQuery = decisionsQuery.where('id', '=', decisionId)
  const decisions = await decisionsQuery.execute()
  if (decisionId !== null && decisions.length === 0) throw new HttpProblem('not-found', `No decision ${decisionId} standing on case ${caseId}`)
  const decisionIds = decisions.map((d) => d.id)
  const none = ['00000000-0000-0000-0000-000000000000']
  const ids = decisionIds.length === 0 ? none : decisionIds
  const [registrations, followUps, stoettebehov, goals, ydelser] = await Promise.all([
    scopedSelect(db, scope, 'theme_registrations').select(['id', 'undertema', 'funktionsevneniveau', 'registered_at', 'follow_up_id'])
      .where('case_id', '=', caseId).where('theme', '=', 'aktivitet-og-deltagelse').orderBy('registered_at').orderBy('seq').execute(),
    scopedSelect(db, scope, 'follow_ups').select(['id', 'decision_id']).where('case_id', '=', caseId).execute(),
    scopedSelect(db, scope, 'stoettebehov').select(['decision_id', 'code', 'registered_at', 'follow_up_id'])
      .where('decision_id', 'in', ids).orderBy('registered_at').orderBy('seq').execute(),
    scopedSelect(db, scope, 'goals').innerJoin('decision_goals as dg', 'dg.goal_id', 'goals.id')
      .select(['goals.id', 'goals.primaert_undertema', 'goals.maaltype', 'goals.forventet_funktionsevneniveau', 'goals.aktuel_registration_id',
        'goals.opfoelgningsdato'])
      .where('dg.decision_id', 'in', ids).orderBy('goals.seq').execute(),
    scopedSelect(db, scope, 'interventions').innerJoin('intervention_ydelser as y', 'y.intervention_id', 'interventions.id')
      .select(['interventions.decision_id', 'interventions.tilbud', 'y.code', 'y.startdato', 'y.slutdato'])
      .where('interventions.decision_id', 'in', ids).where('y.annulled_at', 'is', null).orderBy('y.startdato').orderBy('y.seq').execute()
  ])
  // A follow-up counts when it stands and belongs to the decisions asked for.
  const counted = new Set(followUps.filter((f) => decisionIds.includes(f.decision_id)).map((f) => f.id))
  const goalIds = [...new Set(goals.map((g) => g.id))]
  const assessed = goalIds.length === 0
    ? []
    : await scopedSelect(db, scope, 'follow_up_goals').innerJoin('follow_ups as fu', 'fu.id', 'follow_up_goals.follow_up_id')
      .select(['follow_up_goals.goal_id', 'follow_up_goals.registration_id', 'follow_up_goals.maal_opnaaet', 'fu.id as follow_up_id'])
      .where('follow_up_goals.goal_id', 'in', goalIds).where('fu.annulled_at', 'is', null).where('fu.case_id', '=', caseId)
      .orderBy('fu.registered_at').orderBy('fu.seq').execute()

  return { registrations, counted, stoettebehov, goals, assessed, ydelser }
}

/** Per overtema and day with a registration: the mean of its undertemaer's latest levels that day. */
function overtemaerOf (undertemaer: Progression['undertemaer']): Progression['overtemaer'] {
  const byOvertema = groupBy(undertemaer.filter((u) => u.overtema !== null), (u) => u.overtema!.code)
  return [...byOvertema].map(([, members]) => {
    const days = [...new Set(members.flatMap((u) => u.levels.map((l) => l.registeredAt.slice(0, 10))))].sort()
    return {
      overtema: members[0]!.overtema!,
      levels: days.flatMap((day) => {
        const latest = members.map((u) => u.levels.filter((l) => l.registeredAt.slice(0, 10) <= day && l.funktionsevneniveau.level !== null).at(-1))
          .filter((l) => l !== undefined).map((l) => l.funktionsevneniveau.level!)
        return latest.length === 0 ? [] : [{ date: day, meanLevel: Math.round(latest.reduce((a, b) => a + b, 0) / latest.length * 100) / 100 }]
      })
    }
  })
}
