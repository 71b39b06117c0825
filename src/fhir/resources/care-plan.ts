import {
  caseOf, closing, currentStoettebehov, goalsOf, isClosed, lastFollowUp, renumbered, type Citizen, type DecisionRow, type InterventionRow, type YdelseRow
} from '../citizen.js'
import { startOfDanishDay } from '../../catalogs/catalogs.js'
import { PROFILE, caseNumber, corrected, ffb, iso, latest, listed, rank, ref, resource, type Resource } from './common.js'
import { targetGroup } from './condition.js'
import { careTeam } from './care-team.js'
import { plannedFollowUp } from './encounter.js'
import { goal } from './goal.js'
import { careEvaluation } from './observation.js'

/** A decision's CarePlans: one per intervention (one tilbud), with its CareTeam, and one Intervention CarePlan per ydelse. */
export function carePlans (c: Citizen, d: DecisionRow): Resource[] {
  return (c.interventionsOf.get(d.id) ?? []).map((i) => {
    const plan = carePlan(c, d, i)
    for (const y of c.ydelserOf.get(i.id) ?? []) intervention(c, d, y, plan)
    return plan
  })
}

/**
 * One intervention of a decision: the case's sagsnummer, its tilbud,
 * goals, målgrupper, current støttebehov and planned follow-up. The
 * sagsafgørelsesID has no element in KL's CarePlan ("anledningDokumenteretISag"
 * is the case's number): it stays in the uddata export.
 */
function carePlan (c: Citizen, d: DecisionRow, i: InterventionRow): Resource {
  const support = currentStoettebehov(c, d.id)
  const encounter = plannedFollowUp(c, d)
  const team = careTeam(c, i)
  const closed = isClosed(c, d)
  const found = caseOf(c, d)
  const changes = [corrected(c, i), c.enteredInError.has(`Decision/${d.id}`) ? d.annulled_at : null, closed && d.closed_at !== null ? startOfDanishDay(d.closed_at) : null,
    renumbered(c, found)]
  return resource(c.resources, 'CarePlan', 'carePlan', i.id, () => [latest(i.tilbud_registered_at, d.maalgrupper_registered_at, support?.registered_at,
    lastFollowUp(c, d)?.registered_at, ...changes), {
    ...listed('extension', [
      ...caseNumber(c.kommunekode, found),
      ...(encounter !== undefined ? [{ url: `${PROFILE}kl-reporting-ffb-follow-up-date-extension`, valueReference: ref(encounter) }] : [])
    ]),
    status: closed ? 'completed' : 'active',
    intent: 'order',
    subject: c.subject,
    period: { start: i.bevillingsdato, ...(closed ? { end: d.closed_at } : {}) },
    careTeam: [ref(team)],
    ...listed('goal', goalsOf(c, d).map((g) => ref(goal(c, g)))),
    addresses: [rank(targetGroup(c, d, d.primaer_maalgruppe), 1), ...d.oevrige_maalgrupper.map((code) => rank(targetGroup(c, d, code), 2))],
    ...(support !== undefined ? { activity: [{ outcomeReference: [ref(careEvaluation(c, support))] }] } : {})
  }])
}

/** One ydelse of an intervention, as it stands at the end of the day. */
function intervention (c: Citizen, d: DecisionRow, y: YdelseRow, plan: Resource): Resource {
  const { day } = c.selection
  const closedBy = closing(c, d)
  // An end date the closing follow-up set later is not known yet on an earlier day.
  const ended = y.slutdato !== null && !(d.closed_at !== null && d.closed_at > day && y.slutdato === d.closed_at) ? y.slutdato : null
  const done = ended !== null && ended <= day
  // Completed on its last day: a change by time alone, at the start of that day (or when the follow-up ending the course was made).
  const completed = done ? latest(startOfDanishDay(ended), ended === d.closed_at ? closedBy?.registered_at : undefined) : undefined
  return resource(c.resources, 'CarePlan', 'intervention', y.id, () => [latest(y.registered_at, corrected(c, y), completed), {
    basedOn: [ref(plan)],
    status: done ? 'completed' : 'active',
    intent: 'order',
    subject: c.subject,
    period: { start: y.startdato, ...(ended !== null ? { end: ended } : {}) },
    created: iso(y.registered_at),
    activity: [{ detail: { code: ffb(y.code), status: done ? 'completed' : 'in-progress' } }]
  }])
}
