import createClient from 'openapi-fetch'
import t from 'tap'
import type { paths } from '../../openapi/ffb-api.js'
import { AD, FF, LEVEL, MAALGRUPPE, OMG, STATUS, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { CITIZEN_X_GOAL } from '../support/factories.js'
import { buildTestApp, createTestClient } from '../helper.js'

/**
 * What a vendor does with the contract: openapi/ffb-api.d.ts is generated
 * from openapi/openapi.json by openapi-typescript (`npm run openapi`; the
 * OpenAPI test fails when it drifts), and openapi-fetch calls a listening
 * API with it. The seeds' citizen X, typed end to end: this file is
 * typechecked with the rest (tsconfig.json includes test/; CI runs `npm run
 * typecheck` before the tests) and may not cast (eslint.config.js), so a
 * schema that types a request or an answer wrongly fails the typecheck, as
 * it would a vendor's build.
 */

/** The body of a 2xx answer; otherwise fails with the problem. */
function ok<T> (step: string, result: { data?: T, error?: unknown, response: Response }): T {
  if (result.data === undefined) throw new Error(`${step}: ${result.response.status} ${JSON.stringify(result.error)}`)
  return result.data
}

t.test('a client generated from openapi/openapi.json records citizen X through openapi-fetch', async (t) => {
  const app = await buildTestApp(t)
  const { token } = await createTestClient(app)
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' })
  const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${token}` } })

  // Example 1, 1 January 2023: the case, the investigation, the goal, the decision and its intervention.
  const opened = await api.POST('/v1/cases', { body: { kommunekode: '101', cpr: '0101904321', openedAt: '2023-01-01T09:00:00+01:00' } })
  const citizenCase = ok('createCase', opened)
  const id = citizenCase.id
  const registeredAt = '2023-01-01T10:00:00+01:00'
  for (const undertema of [FF.organiseringOgPlanlaegning, FF.oekonomiskSituation]) {
    ok('registerFunktionerOgForhold', await api.POST('/v1/cases/{id}/investigation/funktioner-og-forhold', { params: { path: { id } }, body: { undertema, registeredAt } }))
  }
  ok('registerOmgivelsesfaktorer', await api.POST('/v1/cases/{id}/investigation/omgivelsesfaktorer', { params: { path: { id } }, body: { undertema: OMG.personerINetvaerk, registeredAt } }))
  const level = ok('registerAktivitetOgDeltagelse', await api.POST('/v1/cases/{id}/investigation/aktivitet-og-deltagelse', {
    params: { path: { id } },
    body: { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2], registeredAt }
  }))
  t.equal(level.undertema.label, 'Varetage økonomi', 'an answer gives a code with its label')

  const goal = ok('createGoal', await api.POST('/v1/cases/{id}/goals', { params: { path: { id } }, body: CITIZEN_X_GOAL }))
  const decision = ok('createDecision', await api.POST('/v1/cases/{id}/decisions', {
    params: { path: { id } },
    body: {
      afgoerelsesdato: '2023-01-01',
      goals: [goal.id],
      stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'Behov for støtte til økonomi en gang imellem', registeredAt: '2023-01-01T12:00:00+01:00' },
      maalgrupper: { primaer: MAALGRUPPE.socialtProblem, registeredAt: '2023-01-01T12:00:00+01:00' }
    }
  }))
  const intervention = ok('orderIntervention', await api.POST('/v1/decisions/{id}/interventions', {
    params: { path: { id: decision.id } },
    body: {
      tilbud: { code: TILBUD.mobiltTilbud, registeredAt: '2023-01-01T12:00:00+01:00' },
      ydelser: [{ code: YDELSE.stoetteTilAdministration, startdato: '2023-01-01', registeredAt: '2023-01-01T12:00:00+01:00' }],
      leverandoer: { pNummer: '1012345678' },
      bevillingsdato: '2023-01-01'
    }
  }))
  t.equal(intervention.ydelser.length, 1)

  // An update needs If-Match (required in the contract); a stale one is a typed problem.
  const stale = await api.PATCH('/v1/cases/{id}', {
    params: { path: { id }, header: { 'if-match': '"stale"' } },
    body: { borgerensOensker: 'At klare økonomien selv' }
  })
  t.equal(stale.response.status, 412)
  t.equal(stale.error?.type, 'urn:ffb-api:problem:precondition-failed')
  const etag = opened.response.headers.get('etag') ?? ''
  const changed = ok('updateCase', await api.PATCH('/v1/cases/{id}', {
    params: { path: { id }, header: { 'if-match': etag } },
    body: { borgerensOensker: 'At klare økonomien selv' }
  }))
  t.equal(changed.borgerensOensker, 'At klare økonomien selv')

  // Example 2, 1 June 2023: the F&F themes stamped again, and the follow-up that ends the support.
  const jun = '2023-06-01T10:00:00+02:00'
  for (const undertema of [FF.organiseringOgPlanlaegning, FF.oekonomiskSituation]) {
    ok('registerFunktionerOgForhold', await api.POST('/v1/cases/{id}/investigation/funktioner-og-forhold', { params: { path: { id } }, body: { undertema, registeredAt: jun } }))
  }
  const followUp = ok('createFollowUp', await api.POST('/v1/decisions/{id}/follow-ups', {
    params: { path: { id: decision.id } },
    body: {
      registeredAt: jun,
      maal: [{
        goalId: goal.id,
        funktionsevneniveau: LEVEL[0],
        borgerensVurdering: 'Jeg klarer det selv nu',
        udfoerersVurdering: 'Stabil i tre måneder',
        sagsbehandlersVurdering: 'Målet er nået',
        maalOpnaaet: true
      }],
      stoettebehov: { code: STOETTEBEHOV.intet, begrundelse: 'Klarer sig uden støtte' },
      statusPaaIndsats: STATUS.afslutning
    }
  }))
  t.equal(followUp.statusPaaIndsats.code, STATUS.afslutning)

  const read = ok('getDecision', await api.GET('/v1/decisions/{id}', { params: { path: { id: decision.id } } }))
  t.equal(read.maalgrupper.primaer.label, 'Socialt problem')
  t.equal(read.followUps.length, 1)
  t.not(read.closedAt, null, 'the follow-up closed the decision')
  const investigation = ok('getInvestigation', await api.GET('/v1/cases/{id}/investigation', { params: { path: { id } } }))
  t.equal(investigation.funktionerOgForhold.length, 2)

  // Public routes need no token.
  const health = await createClient<paths>({ baseUrl }).GET('/health')
  t.equal(ok('getHealth', health).status, 'ok')
})
