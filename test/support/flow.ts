import type { FastifyInstance } from 'fastify'
import { AD, FF, LEVEL, MAALGRUPPE, MAALTYPE, OMG, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from './codes.js'

/**
 * The seeds' worked example through the API: citizen X of municipality Y,
 * investigated on 1 January 2023 and followed up on 1 June 2023.
 */

type Headers = Record<string, string>

async function created (app: FastifyInstance, headers: Headers, url: string, payload: object): Promise<{ id: string }> {
  const res = await app.inject({ method: 'POST', url, headers, payload })
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Example 1: 1 January 2023. */
export async function recordCitizenX (app: FastifyInstance, headers: Headers,
  { kommunekode = '101', cpr = '0101904321', maalgruppe = MAALGRUPPE.socialtProblem } = {}) {
  const post = async (url: string, payload: object) => await created(app, headers, url, payload)
  const opened = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { kommunekode, cpr, openedAt: '2023-01-01T09:00:00+01:00' } })
  const caseUrl = opened.headers.location!
  const jan = '2023-01-01T10:00:00+01:00'
  await post(`${caseUrl}/investigation/funktioner-og-forhold`, { undertema: FF.organiseringOgPlanlaegning, registeredAt: jan })
  await post(`${caseUrl}/investigation/funktioner-og-forhold`, { undertema: FF.oekonomiskSituation, registeredAt: jan })
  await post(`${caseUrl}/investigation/omgivelsesfaktorer`, { undertema: OMG.personerINetvaerk, registeredAt: jan })
  await post(`${caseUrl}/investigation/aktivitet-og-deltagelse`, { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2], registeredAt: jan })
  const goal = await post(`${caseUrl}/goals`, {
    maalformulering: 'Jeg vil selv kunne betale mine regninger',
    maaltype: MAALTYPE.udvikle,
    primaertUndertema: AD.varetageOekonomi,
    forventetFunktionsevneniveau: LEVEL[1],
    opfoelgningsdato: '2023-06-01',
    ansvarligForOpfoelgning: 'Socialafdelingen i kommune Y',
    registeredAt: '2023-01-01T11:00:00+01:00'
  })
  const decision = await post(`${caseUrl}/decisions`, {
    afgoerelsesdato: '2023-01-01',
    goals: [goal.id],
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'Behov for støtte til økonomi en gang imellem', registeredAt: '2023-01-01T12:00:00+01:00' },
    // Citizen X has no diagnosis on the case: only the top level is reported.
    maalgrupper: { primaer: maalgruppe, registeredAt: '2023-01-01T12:00:00+01:00' }
  })
  const intervention = await post(`/v1/decisions/${decision.id}/interventions`, {
    tilbud: { code: TILBUD.mobiltTilbud, registeredAt: '2023-01-01T12:00:00+01:00' },
    ydelser: [{ code: YDELSE.stoetteTilAdministration, startdato: '2023-01-01', registeredAt: '2023-01-01T12:00:00+01:00' }],
    leverandoer: { pNummer: '1012345678' },
    bevillingsdato: '2023-01-01'
  })
  return { caseUrl, goalId: goal.id, decisionId: decision.id, interventionId: intervention.id }
}

export const followUpX = (goalId: string, overrides: object = {}) => ({
  registeredAt: '2023-06-01T10:00:00+02:00',
  maal: [{ goalId, funktionsevneniveau: LEVEL[0], borgerensVurdering: 'Jeg klarer det selv nu', udfoerersVurdering: 'Stabil i tre måneder', sagsbehandlersVurdering: 'Målet er nået', maalOpnaaet: true }],
  stoettebehov: { code: STOETTEBEHOV.intet, begrundelse: 'Klarer sig uden støtte' },
  statusPaaIndsats: STATUS.afslutning,
  ...overrides
})

/** Example 2: 1 June 2023 — the F&F themes stamped again, and the follow-up that ends § 85. */
export async function followUpCitizenX (app: FastifyInstance, headers: Headers, x: { caseUrl: string, goalId: string, decisionId: string }) {
  const jun = '2023-06-01T10:00:00+02:00'
  await created(app, headers, `${x.caseUrl}/investigation/funktioner-og-forhold`, { undertema: FF.organiseringOgPlanlaegning, registeredAt: jun })
  await created(app, headers, `${x.caseUrl}/investigation/funktioner-og-forhold`, { undertema: FF.oekonomiskSituation, registeredAt: jun })
  return await created(app, headers, `/v1/decisions/${x.decisionId}/follow-ups`, followUpX(x.goalId))
}
