import type { Insertable, Selectable } from 'kysely'
import { dayInDenmark, type Catalogs } from '../catalogs/catalogs.js'
import type { DecisionsTable, InterventionsTable, InterventionYdelserTable, StoettebehovTable } from '../db/schema.js'
import { loadFollowUps } from '../follow-ups/queries.js'
import type { FollowUp } from '../follow-ups/schemas.js'
import { selectGoals, toGoal } from '../goals/queries.js'
import { groupBy } from '../http/paging.js'
import { HttpProblem } from '../http/problems.js'
import { scopedSelect, type Scope } from '../db/scope.js'
import type { Executor } from '../db/unit-of-work.js'
import type { Decision, Intervention } from './schemas.js'

export type DecisionRow = Selectable<DecisionsTable>
type InterventionRow = Selectable<InterventionsTable>
type YdelseRow = Selectable<InterventionYdelserTable>

export const selectDecisions = (db: Executor, scope: Scope) => scopedSelect(db, scope, 'decisions').selectAll()

/**
 * A decision the caller may see, else a 404 problem. For a write on it
 * (`open`), locked until the transaction ends and still open (409 once a
 * follow-up has closed it).
 */
export async function requireDecision (db: Executor, scope: Scope, id: string, { open = false } = {}): Promise<DecisionRow> {
  const query = selectDecisions(db, scope).where('id', '=', id)
  const row = await (open ? query.forUpdate() : query).executeTakeFirst()
  if (row === undefined) throw new HttpProblem('not-found', `No decision ${id} in the municipalities this client serves`)
  if (open && row.closed_at !== null) throw new HttpProblem('conflict', `Decision ${id} was closed on ${row.closed_at}; make a new decision`)
  return row
}

/**
 * Everything that belongs to a page of decisions in a fixed number of
 * queries whatever the page size: goals, støttebehov, interventions,
 * ydelser, follow-ups (and their goals' levels and støttebehov).
 */
export async function loadDecisions (db: Executor, scope: Scope, catalogs: Catalogs, rows: DecisionRow[]): Promise<Decision[]> {
  if (rows.length === 0) return []
  const ids = rows.map((row) => row.id)
  const [goals, stoettebehov, interventions, followUps] = await Promise.all([
    selectGoals(db, scope).innerJoin('decision_goals as dg', 'dg.goal_id', 'goals.id')
      .select(['dg.decision_id']).where('dg.decision_id', 'in', ids).orderBy('dg.position').execute(),
    scopedSelect(db, scope, 'stoettebehov').selectAll().where('decision_id', 'in', ids).orderBy('registered_at').orderBy('seq').execute(),
    scopedSelect(db, scope, 'interventions').selectAll().where('decision_id', 'in', ids).orderBy('seq').execute(),
    scopedSelect(db, scope, 'follow_ups').selectAll().where('decision_id', 'in', ids).orderBy('registered_at').orderBy('seq').execute()
      .then(async (rows) => await loadFollowUps(db, scope, catalogs, rows))
  ])
  const ydelser = interventions.length === 0
    ? []
    : await scopedSelect(db, scope, 'intervention_ydelser').selectAll()
      .where('intervention_id', 'in', interventions.map((i) => i.id)).orderBy('seq').execute()
  const goalsOf = groupBy(goals, (g) => g.decision_id)
  const stoettebehovOf = groupBy(stoettebehov, (s) => s.decision_id)
  const interventionsOf = groupBy(interventions, (i) => i.decision_id)
  const ydelserOf = groupBy(ydelser, (y) => y.intervention_id)
  const followUpsOf = groupBy(followUps, (f) => f.decisionId)
  return rows.map((row) => toDecision(catalogs, row, {
    goals: (goalsOf.get(row.id) ?? []).map((goal) => toGoal(catalogs, goal)),
    stoettebehov: stoettebehovOf.get(row.id) ?? [],
    interventions: (interventionsOf.get(row.id) ?? []).map((i) => toIntervention(catalogs, i, ydelserOf.get(i.id) ?? [])),
    followUps: followUpsOf.get(row.id) ?? []
  }))
}

function toDecision (catalogs: Catalogs, row: DecisionRow, parts: {
  goals: Decision['goals'], stoettebehov: Array<Selectable<StoettebehovTable>>, interventions: Intervention[], followUps: FollowUp[]
}): Decision {
  const day = dayInDenmark(row.maalgrupper_registered_at)
  return {
    id: row.id,
    sagsafgoerelsesId: row.sagsafgoerelses_id,
    caseId: row.case_id,
    kommunekode: row.kommunekode,
    afgoerelsesdato: row.afgoerelsesdato,
    goals: parts.goals,
    stoettebehov: parts.stoettebehov.map((s) => ({
      id: s.id,
      ...catalogs.leveled('stoettebehov', s.code, dayInDenmark(s.registered_at)),
      begrundelse: s.begrundelse,
      registeredAt: s.registered_at.toISOString()
    })),
    maalgrupper: {
      primaer: catalogs.coded('maalgrupper', row.primaer_maalgruppe, day),
      oevrige: row.oevrige_maalgrupper.map((code) => catalogs.coded('maalgrupper', code, day)),
      registeredAt: row.maalgrupper_registered_at.toISOString()
    },
    interventions: parts.interventions,
    followUps: parts.followUps,
    closedAt: row.closed_at,
    nyAfgoerelseForventet: row.new_decision_expected,
    catalogVersion: row.catalog_version,
    createdAt: row.created_at.toISOString()
  }
}

export function toIntervention (catalogs: Catalogs, row: InterventionRow, ydelser: YdelseRow[]): Intervention {
  const described = (list: string, code: string, at: Date) => {
    const entry = catalogs.entry(list, code, dayInDenmark(at))?.entry
    return { code, label: entry?.label ?? null, legalBasis: entry?.legalBasis ?? null, entry }
  }
  const { entry: tilbudEntry, ...tilbud } = described('tilbud', row.tilbud, row.tilbud_registered_at)
  const items = ydelser.map((y) => {
    const { entry, ...ydelse } = described('ydelser', y.code, y.registered_at)
    return {
      id: y.id,
      ...ydelse,
      opholdsydelse: entry?.opholdsydelse === true,
      startdato: y.startdato,
      slutdato: y.slutdato,
      registeredAt: y.registered_at.toISOString()
    }
  })
  const botilbud = tilbudEntry?.botilbud === true
  return {
    id: row.id,
    decisionId: row.decision_id,
    tilbud: { ...tilbud, botilbud, registeredAt: row.tilbud_registered_at.toISOString() },
    ydelser: items,
    leverandoer: { pNummer: row.p_nummer, cvr: row.cvr, navn: row.navn, adresse: row.adresse, postnummer: row.postnummer },
    bevillingsdato: row.bevillingsdato,
    catalogVersion: row.catalog_version,
    createdAt: row.created_at.toISOString(),
    warnings: botilbud && !items.some((y) => y.opholdsydelse)
      ? [{
          code: 'botilbud-uden-opholdsydelse',
          pointer: '/ydelser',
          message: `${tilbud.label ?? 'The tilbud'} is a botilbud, but no opholdsydelse (midlertidigt or længerevarende ophold) is ordered`
        }]
      : []
  }
}

export async function insertDecision (trx: Executor, values: Insertable<DecisionsTable>): Promise<void> {
  await trx.insertInto('decisions').values(values).execute()
}

export async function insertIntervention (
  trx: Executor, intervention: Insertable<InterventionsTable>, ydelser: Array<Insertable<InterventionYdelserTable>>
): Promise<{ intervention: InterventionRow, ydelser: YdelseRow[] }> {
  return {
    intervention: await trx.insertInto('interventions').values(intervention).returningAll().executeTakeFirstOrThrow(),
    ydelser: await trx.insertInto('intervention_ydelser').values(ydelser).returningAll().execute()
  }
}
