/** What the FHIR delivery tests share: reading bundles, and a citizen with every kind of data. */
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { AD, FF, LEVEL, MAALGRUPPE, OMG, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from './codes.js'
import { buildTestApp, createTestClient } from '../helper.js'
import { aCase, aDecision, aGoal, aRegistration, anIntervention, made, type Headers } from './factories.js'

export const ORG = 'd4e3f4fb-6761-4d6c-9086-74c49231f11e'
export const PROFILE = 'http://fhir.kl.dk/ffbreporting/StructureDefinition/kl-reporting-ffb-'

// The tests walk FHIR JSON by path; the validator checks its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Resource { resourceType: string, id: string, meta: { versionId: string, lastUpdated: string, profile: string[] }, [element: string]: any }
export interface Bundle { id: string, timestamp: string, entry: Array<{ fullUrl: string, resource: Resource }> }
export type { Headers }

export const ofProfile = (bundle: Bundle, profile: string): Resource[] =>
  bundle.entry.map((e) => e.resource).filter((r) => r.meta.profile[0] === `${PROFILE}${profile}`)
export const one = (bundle: Bundle, profile: string): Resource => {
  const found = ofProfile(bundle, profile)
  if (found.length !== 1) throw new Error(`expected one ${profile}, found ${found.length}`)
  return found[0]!
}
export const resolve = (bundle: Bundle, reference: { reference: string }): Resource =>
  bundle.entry.find((e) => e.fullUrl === reference.reference)!.resource
export const code = (concept: { coding: Array<{ system: string, code: string }> }): string => concept.coding[0]!.code
export const conditionOf = (bundle: Bundle, undertema: string): Resource => ofProfile(bundle, 'condition').find((c) => code(c.code) === undertema)!

export async function appWithOrganisation (t: Test, config: object = {}) {
  const app = await buildTestApp(t, { config: { kombitOrganisations: new Map([['101', ORG]]), ...config } })
  return { app, ...await createTestClient(app, { municipalities: ['101'] }) }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- NDJSON lines walked by path, like Resource
export const lines = (body: string): Array<Record<string, any>> => body.trim().split('\n').map((line) => JSON.parse(line))

// KL's value set holds only the most detailed målgrupper; of the top level a citizen without diagnosis gets (the
// seeds' rule), Multipel funktionsnedsættelse is one. Socialt problem is not: see the test of that gap below.
export const X = { maalgruppe: MAALGRUPPE.multipelFunktionsnedsaettelse }

/** A citizen with every kind of data: diagnoser, related sub-themes, several målgrupper, a botilbud and a dagtilbud, a continued follow-up. */
export async function recordEverything (app: FastifyInstance, headers: Headers, cpr = '0203854321') {
  const caseUrl = (await aCase(app, headers, { cpr, diagnoser: ['Angst'], openedAt: '2024-03-01T08:00:00+01:00' })).location
  const at = '2024-03-01T10:00:00+01:00'
  await aRegistration(app, headers, caseUrl, 'funktioner-og-forhold', { undertema: FF.oekonomiskSituation, registeredAt: at })
  await aRegistration(app, headers, caseUrl, 'omgivelsesfaktorer', { undertema: OMG.personerINetvaerk, registeredAt: at })
  await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[3], registeredAt: at })
  await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', { undertema: AD.indgaaISamspilOgKontakt, funktionsevneniveau: LEVEL.ikkeVurderet, registeredAt: at })
  const goal = (primaertUndertema: string, relateredeUndertemaer: string[]) => aGoal(app, headers, caseUrl, {
    maalformulering: 'Mål',
    primaertUndertema,
    forventetFunktionsevneniveau: LEVEL[2],
    opfoelgningsdato: '2024-09-01',
    ansvarligForOpfoelgning: 'Socialafdelingen',
    relateredeUndertemaer,
    registeredAt: '2024-03-01T11:00:00+01:00'
  }, { investigated: true })
  const goals = [await goal(AD.varetageOekonomi, [AD.indgaaISamspilOgKontakt, AD.varetageRelationerTilNetvaerk]), await goal(AD.indgaaISamspilOgKontakt, [])]
  const decision = await aDecision(app, headers, caseUrl, {
    afgoerelsesdato: '2024-03-01',
    goals: goals.map((g) => g.id),
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x', registeredAt: '2024-03-01T12:00:00+01:00' },
    maalgrupper: { primaer: MAALGRUPPE.angst, oevrige: [MAALGRUPPE.depression, MAALGRUPPE.stofmisbrug], registeredAt: '2024-03-01T12:00:00+01:00' }
  })
  const intervention = (tilbud: string, ydelser: object[]) => anIntervention(app, headers, decision.id, {
    tilbud: { code: tilbud, registeredAt: '2024-03-01T12:00:00+01:00' }, ydelser, bevillingsdato: '2024-03-01'
  })
  await intervention(TILBUD.midlertidigtBotilbud, [{ code: YDELSE.midlertidigtOphold, startdato: '2024-03-01', registeredAt: '2024-03-01T12:00:00+01:00' }])
  await intervention(TILBUD.aktivitetsOgSamvaerstilbud, [
    { code: YDELSE.service, startdato: '2024-03-01', slutdato: '2024-05-31', registeredAt: '2024-03-01T12:00:00+01:00' },
    { code: YDELSE.stoetteTilTransport, startdato: '2024-04-01', registeredAt: '2024-03-01T12:00:00+01:00' }
  ])
  const goalRow = (id: string) => ({ goalId: id, funktionsevneniveau: LEVEL[2], maalOpnaaet: false })
  await made(app, headers, `/v1/decisions/${decision.id}/follow-ups`, {
    registeredAt: '2024-09-01T10:00:00+02:00',
    maal: goals.map((g) => goalRow(g.id)),
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'Uændret' },
    statusPaaIndsats: STATUS.fortsaettelse,
    naesteOpfoelgningsdato: '2025-03-01'
  })
  return { caseUrl, decisionId: decision.id }
}
