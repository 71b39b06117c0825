import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { AD, FF, LEVEL, MAALGRUPPE, MAALTYPE, OMG, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from './codes.js'

/**
 * One call makes one thing through the real API (app.inject). The defaults
 * are the seeds' citizen X of 1 January 2023 (see flow.ts), so a test names
 * only what it is about. When the API refuses, the factory throws with the
 * status and the body: a broken fixture never passes for a broken test.
 */

export type Headers = Record<string, string>
// The API's JSON, walked by path in the tests; the routes' schemas check its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>

/** A created resource: its JSON, its Location, and its ETag where the resource has versions (cases, delmål). */
export interface Made { id: string, location: string, etag: string | undefined, body: Json }

/** POST (or PUT) that must answer 201. */
export async function made (app: FastifyInstance, headers: Headers, url: string, payload: object, method: 'POST' | 'PUT' = 'POST'): Promise<Made> {
  const res = await app.inject({ method, url, headers, payload })
  if (res.statusCode !== 201) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  const body = res.json<Json>()
  return { id: body.id, location: res.headers.location!, etag: res.headers.etag, body }
}

/**
 * A case of citizen X in municipality 101, opened 1 January 2023 at 9:00,
 * with a sagsnummer of its own (unique, as the municipality's are; KL's
 * CarePlan needs one): `sagsnummer: undefined` opens one without.
 */
export async function aCase (app: FastifyInstance, headers: Headers, overrides: object = {}): Promise<Made> {
  return await made(app, headers, '/v1/cases', {
    kommunekode: '101', cpr: '0101904321', openedAt: '2023-01-01T09:00:00+01:00', sagsnummer: `Sag-${randomUUID().slice(0, 8)}`, ...overrides
  })
}

const REGISTRATIONS = {
  'funktioner-og-forhold': { undertema: FF.organiseringOgPlanlaegning },
  omgivelsesfaktorer: { undertema: OMG.personerINetvaerk },
  'aktivitet-og-deltagelse': { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2] }
}
export type Theme = keyof typeof REGISTRATIONS

/** A registration under one of the three themes, at 10:00 on 1 January 2023; by default Varetage økonomi at level 2. */
export async function aRegistration (app: FastifyInstance, headers: Headers, caseUrl: string,
  theme: Theme = 'aktivitet-og-deltagelse', overrides: object = {}): Promise<Made> {
  return await made(app, headers, `${caseUrl}/investigation/${theme}`, { ...REGISTRATIONS[theme], registeredAt: '2023-01-01T10:00:00+01:00', ...overrides })
}

/** Citizen X's goal: to pay the bills on her own (Varetage økonomi, from level 2 to 1), followed up on 1 June 2023. */
export const CITIZEN_X_GOAL = {
  maalformulering: 'Jeg vil selv kunne betale mine regninger',
  maaltype: MAALTYPE.udvikle,
  primaertUndertema: AD.varetageOekonomi,
  forventetFunktionsevneniveau: LEVEL[1],
  opfoelgningsdato: '2023-06-01',
  ansvarligForOpfoelgning: 'Socialafdelingen i kommune Y',
  registeredAt: '2023-01-01T11:00:00+01:00'
} as const

export const goalPayload = (overrides: Json = {}) => ({ ...CITIZEN_X_GOAL, ...overrides })

const anHourBefore = (at: string | undefined): string | undefined =>
  at === undefined ? undefined : new Date(Date.parse(at) - 3_600_000).toISOString()

/**
 * Citizen X's goal on Varetage økonomi, registered at 11:00. A goal's primary
 * sub-theme must be investigated on the case before the goal, so this first
 * registers it at level 2 an hour earlier — unless `investigated` says the
 * test has done so itself.
 */
export async function aGoal (app: FastifyInstance, headers: Headers, caseUrl: string,
  overrides: Json = {}, { investigated = false } = {}): Promise<Made> {
  const goal = goalPayload(overrides)
  if (!investigated) {
    await aRegistration(app, headers, caseUrl, 'aktivitet-og-deltagelse', { undertema: goal.primaertUndertema, registeredAt: anHourBefore(goal.registeredAt) })
  }
  return await made(app, headers, `${caseUrl}/goals`, goal)
}

/** Citizen X's decision of 1 January 2023 (Let støttebehov, Socialt problem), without goals. */
export const decisionPayload = (overrides: Json = {}) => ({
  afgoerelsesdato: '2023-01-01',
  stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'Behov for støtte til økonomi en gang imellem', registeredAt: '2023-01-01T12:00:00+01:00' },
  // Citizen X has no diagnosis on the case: only the top level is reported.
  maalgrupper: { primaer: MAALGRUPPE.socialtProblem, registeredAt: '2023-01-01T12:00:00+01:00' },
  ...overrides
})

/** Citizen X's decision on the case; on a new goal (aGoal) unless the overrides name the goals (`goals: undefined` for none). */
export async function aDecision (app: FastifyInstance, headers: Headers, caseUrl: string, overrides: Json = {}): Promise<Made> {
  const goals: unknown = 'goals' in overrides ? overrides.goals : [(await aGoal(app, headers, caseUrl)).id]
  return await made(app, headers, `${caseUrl}/decisions`, decisionPayload({ goals, ...overrides }))
}

/** Citizen X's intervention: a mobilt tilbud with Støtte til administration (§ 85) from 1 January 2023. */
export const interventionPayload = (overrides: object = {}) => ({
  tilbud: { code: TILBUD.mobiltTilbud, registeredAt: '2023-01-01T12:00:00+01:00' },
  ydelser: [{ code: YDELSE.stoetteTilAdministration, startdato: '2023-01-01', registeredAt: '2023-01-01T12:00:00+01:00' }],
  leverandoer: { pNummer: '1012345678' },
  bevillingsdato: '2023-01-01',
  ...overrides
})

export async function anIntervention (app: FastifyInstance, headers: Headers, decisionId: string, overrides: object = {}): Promise<Made> {
  return await made(app, headers, `/v1/decisions/${decisionId}/interventions`, interventionPayload(overrides))
}

/** A delmål on one of the case's goals, from 1 February 2023. */
export async function aDelmaal (app: FastifyInstance, headers: Headers, caseUrl: string, goalId: string, overrides: object = {}): Promise<Made> {
  return await made(app, headers, `${caseUrl}/delmaal`, { goalId, tekst: 'Åbne post sammen', startdato: '2023-02-01', ...overrides })
}

/** A note by the provider (udfører), written now. */
export async function aNote (app: FastifyInstance, headers: Headers, caseUrl: string, overrides: object = {}): Promise<Made> {
  return await made(app, headers, `${caseUrl}/notes`, { tekst: 'Vi åbnede posten', forfatterrolle: 'udfoerer', ...overrides })
}

/** Citizen X's follow-up of 1 June 2023 as a payload: the goal reached (level 0), no more støtte, the intervention ended. */
export const followUpPayload = (goalId: string, overrides: object = {}) => ({
  registeredAt: '2023-06-01T10:00:00+02:00',
  maal: [{ goalId, funktionsevneniveau: LEVEL[0], borgerensVurdering: 'Jeg klarer det selv nu', udfoerersVurdering: 'Stabil i tre måneder', sagsbehandlersVurdering: 'Målet er nået', maalOpnaaet: true }],
  stoettebehov: { code: STOETTEBEHOV.intet, begrundelse: 'Klarer sig uden støtte' },
  statusPaaIndsats: STATUS.afslutning,
  ...overrides
})

/** Citizen X's follow-up of 1 June 2023 on a decision with one goal; it closes the decision. */
export async function aFollowUp (app: FastifyInstance, headers: Headers, decisionId: string, goalId: string, overrides: object = {}): Promise<Made> {
  return await made(app, headers, `/v1/decisions/${decisionId}/follow-ups`, followUpPayload(goalId, overrides))
}

/** A correction: PATCH `url` with the record's current ETag as If-Match; must answer 200. */
export async function corrected (app: FastifyInstance, headers: Headers, url: string, payload: object): Promise<Json> {
  const etag = (await app.inject({ method: 'GET', url, headers })).headers.etag
  const res = await app.inject({ method: 'PATCH', url, headers: { ...headers, 'if-match': String(etag) }, payload })
  if (res.statusCode !== 200) throw new Error(`PATCH ${url}: ${res.statusCode} ${res.body}`)
  return res.json<Json>()
}

/** An annulment (entered in error): POST {url}/annulment with the record's ETag; must answer 200. */
export async function annulled (app: FastifyInstance, headers: Headers, url: string, payload: object = { reason: 'fejlregistrering' }): Promise<Json> {
  const etag = (await app.inject({ method: 'GET', url, headers })).headers.etag
  const res = await app.inject({ method: 'POST', url: `${url}/annulment`, headers: { ...headers, 'if-match': String(etag) }, payload })
  if (res.statusCode !== 200) throw new Error(`POST ${url}/annulment: ${res.statusCode} ${res.body}`)
  return res.json<Json>()
}
