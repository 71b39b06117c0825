import type { FastifyInstance, InjectOptions } from 'fastify'
import type { Test } from 'tap'
import { AGGREGATES } from '../../src/analytics/aggregates.js'
import { AD, LEVEL } from './codes.js'
import { aCase, aDecision, aDelmaal, aGoal, anIntervention, aNote, made, type Headers } from './factories.js'
import { followUpCitizenX, recordCitizenX } from './flow.js'

/**
 * Every /v1 route with citizen data, each with a request it answers with
 * success on citizen X's data: walked over the app's own route table by the
 * audit and no-store tests, so a new route fails them until it has an entry
 * here.
 */

/** Routes without citizen data: the FFB lists are public classifications; /v1/me is the caller's own client. */
export const NOT_PERSONAL = new Set(['GET /v1/catalogs', 'GET /v1/catalogs/:list', 'GET /v1/catalogs/:list/:code', 'GET /v1/me'])

export interface RouteRequest {
  /** "METHOD /pattern", as in the route table. */
  route: string
  method: InjectOptions['method']
  url: string
  headers: Headers
  payload?: object
}

/** Records citizen X, checks that every route with citizen data has a request here and no other, and returns the requests. */
export async function requestsOfEveryRoute (t: Test, app: FastifyInstance, headers: Headers): Promise<RouteRequest[]> {
  const x = await recordCitizenX(app, headers)
  const followUp = await followUpCitizenX(app, headers, x)
  const caseId = x.caseUrl.split('/').at(-1)!
  const registrationOf = async (theme: string): Promise<string> =>
    (await app.inject({ method: 'GET', url: `${x.caseUrl}/investigation/${theme}`, headers })).json().items[0].id
  const delmaal = await aDelmaal(app, headers, x.caseUrl, x.goalId)
  const note = await aNote(app, headers, x.caseUrl)
  const assessment = await made(app, headers, `${x.caseUrl}/assessment`, { samletVurdering: 'Rykkere for husleje', indsatsformaal: 'Styr på økonomien' }, 'PUT')
  const caseEtag = (await app.inject({ method: 'GET', url: x.caseUrl, headers })).headers.etag!
  const ids: Record<string, string> = {
    id: caseId,
    registrationId: '',
    goalId: x.goalId,
    interventionId: x.interventionId,
    delmaalId: delmaal.id,
    noteId: note.id,
    followUpId: followUp.id
  }
  const themes = ['funktioner-og-forhold', 'omgivelsesfaktorer', 'aktivitet-og-deltagelse']
  const registrations = Object.fromEntries(await Promise.all(themes.map(async (theme) => [theme, await registrationOf(theme)])))
  const registrationUrl = (theme: string): string => `${x.caseUrl}/investigation/${theme}/${registrations[theme]!}`
  const followUpUrl = `/v1/decisions/${x.decisionId}/follow-ups/${followUp.id}`

  // Made once the open decision is (below): interventions on it for the changes of a course — one whose ydelse
  // changes, one to end, one to move — and a decision to end; with the ETags the changes send in If-Match.
  const courses = { changed: { url: '', ydelseId: '' }, ended: { url: '', ydelseId: '' }, moved: { url: '', ydelseId: '' }, closing: '' }
  /** The decision the walk corrects, made below on a case of its own so no other request changes its ETag. */
  let corrected = ''
  const etags: Record<string, string> = {}
  const ifMatch = (url: string) => ({ 'if-match': etags[url]! })
  /** By route pattern: the URL of the record its annulment annuls. */
  const annulled: Record<string, string> = {}
  const recordsToAnnul = async (): Promise<void> => {
    for (const theme of themes) {
      const payload = theme === 'aktivitet-og-deltagelse'
        ? { undertema: AD.indgaaISamspilOgKontakt, funktionsevneniveau: LEVEL[1] }
        : { undertema: theme === 'omgivelsesfaktorer' ? 'df194a84-6e4b-4f14-a194-d8d9d9a1fcad' : '08aa68ce-acd6-4e03-b6b5-091811324345' }
      annulled[`/v1/cases/:id/investigation/${theme}/:registrationId`] = (await made(app, headers, `${x.caseUrl}/investigation/${theme}`, payload)).location
    }
    const other = await aCase(app, headers, { cpr: '0303904321' })
    annulled['/v1/cases/:id/assessment'] = (await made(app, headers, `${other.location}/assessment`, { samletVurdering: 'Forkert sag', indsatsformaal: null }, 'PUT')).location
    annulled['/v1/cases/:id/goals/:goalId'] = (await aGoal(app, headers, x.caseUrl)).location
    // On a case of their own: a correction of a registration changes every decision of its case.
    const aDecisionToAnnul = async () =>
      await aDecision(app, headers, other.location, { afgoerelsesdato: '2023-06-25', goals: undefined, maalgrupper: { primaer: '0919515d-9975-4743-a16f-edb45374b0da' } })
    annulled['/v1/decisions/:id'] = (await aDecisionToAnnul()).location
    // The annulments under this one change its version: the decision annulled above is another.
    const decision = await aDecisionToAnnul()
    annulled['/v1/decisions/:id/interventions/:interventionId'] = (await anIntervention(app, headers, decision.id)).location
    annulled['/v1/ydelser/:id'] = `/v1/ydelser/${(await anIntervention(app, headers, decision.id)).body.ydelser[0].id as string}`
    annulled['/v1/cases/:id/delmaal/:delmaalId'] = (await aDelmaal(app, headers, x.caseUrl, x.goalId)).location
    annulled['/v1/cases/:id/notes/:noteId'] = (await aNote(app, headers, x.caseUrl)).location
    annulled['/v1/decisions/:id/follow-ups/:followUpId'] = (await made(app, headers, `/v1/decisions/${decision.id}/follow-ups`, {
      maal: [],
      stoettebehov: { code: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae', begrundelse: 'Fortsat lidt støtte' },
      statusPaaIndsats: '1e971d84-10a4-4ef8-a8b3-0daa4c7d088a',
      naesteOpfoelgningsdato: '2099-01-01'
    })).location
  }

  /** A request each route answers with success; `:id` is the case, or the decision on /decisions routes. */
  const requests: Record<string, (url: string) => { url: string, headers?: Record<string, string>, payload?: object }> = {
    'GET /v1/audit': (url) => ({ url }),
    'POST /v1/cases': (url) => ({ url, payload: { kommunekode: '101', cpr: '0202904321' } }),
    'GET /v1/cases': (url) => ({ url }),
    'GET /v1/cases/:id': (url) => ({ url }),
    'PATCH /v1/cases/:id': (url) => ({ url, headers: { 'if-match': caseEtag }, payload: { borgerensOensker: 'At klare økonomien selv' } }),
    'POST /v1/cases/search': (url) => ({ url, payload: { cpr: '0101904321' } }),
    'POST /v1/insight': (url) => ({ url, payload: { cpr: '0101904321' } }),
    'GET /v1/cases/:id/investigation': (url) => ({ url }),
    ...Object.fromEntries(themes.flatMap((theme) => [
      [`POST /v1/cases/:id/investigation/${theme}`, (url: string) => ({
        url,
        payload: theme === 'aktivitet-og-deltagelse'
          ? { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[1] }
          : { undertema: theme === 'omgivelsesfaktorer' ? 'df194a84-6e4b-4f14-a194-d8d9d9a1fcad' : '08aa68ce-acd6-4e03-b6b5-091811324345' }
      })],
      [`GET /v1/cases/:id/investigation/${theme}`, (url: string) => ({ url })],
      [`GET /v1/cases/:id/investigation/${theme}/:registrationId`, (url: string) => ({ url: url.replace(/[^/]*$/, registrations[theme]) })],
      [`PATCH /v1/cases/:id/investigation/${theme}/:registrationId`, () => ({
        url: registrationUrl(theme), headers: ifMatch(registrationUrl(theme)), payload: { sagsbehandlersBemaerkninger: 'Rettet', reason: 'fejlregistrering' }
      })],
      [`GET /v1/cases/:id/investigation/${theme}/:registrationId/versions`, () => ({ url: `${registrationUrl(theme)}/versions` })]
    ])),
    'GET /v1/cases/:id/assessment': (url) => ({ url }),
    'PUT /v1/cases/:id/assessment': (url) => ({
      url, headers: { 'if-match': assessment.etag! }, payload: { samletVurdering: 'Har brug for støtte til økonomi', indsatsformaal: 'Klare økonomien selv' }
    }),
    'POST /v1/cases/:id/goals': (url) => ({
      url,
      payload: {
        maalformulering: 'Betale regninger til tiden',
        maaltype: 'd41c8072-52f8-42b5-9375-ddbea454d27f',
        primaertUndertema: AD.varetageOekonomi,
        forventetFunktionsevneniveau: LEVEL[0],
        opfoelgningsdato: '2099-01-01',
        ansvarligForOpfoelgning: 'Socialafdelingen'
      }
    }),
    'GET /v1/cases/:id/goals': (url) => ({ url }),
    'GET /v1/cases/:id/goals/:goalId': (url) => ({ url }),
    'PATCH /v1/cases/:id/goals/:goalId': (url) => ({ url, headers: ifMatch(url), payload: { ansvarligForOpfoelgning: 'Socialafdelingen, team 2', reason: 'fejlregistrering' } }),
    'GET /v1/cases/:id/goals/:goalId/versions': (url) => ({ url }),
    'POST /v1/cases/:id/decisions': (url) => ({
      url,
      payload: {
        afgoerelsesdato: '2023-07-01',
        stoettebehov: { code: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae', begrundelse: 'Fortsat lidt støtte' },
        maalgrupper: { primaer: '0919515d-9975-4743-a16f-edb45374b0da' }
      }
    }),
    'GET /v1/cases/:id/decisions': (url) => ({ url }),
    'GET /v1/decisions': (url) => ({ url }),
    'GET /v1/decisions/:id': (url) => ({ url }),
    'PATCH /v1/decisions/:id': () => ({
      url: corrected, headers: ifMatch(corrected), payload: { stoettebehov: { begrundelse: 'Støtte til økonomi hver uge' }, reason: 'fejlregistrering' }
    }),
    'GET /v1/decisions/:id/versions': (url) => ({ url }),
    'POST /v1/decisions/:id/interventions': (url) => ({
      url: url.replace(x.decisionId, 'OPEN_DECISION'),
      payload: {
        tilbud: { code: 'd90f4da6-f87a-43b5-833f-646b4baf16d6' },
        ydelser: [{ code: 'd473dea2-4f6d-4f36-a8f0-260f0213f50a', startdato: '2023-07-01' }],
        leverandoer: { pNummer: '1012345678' },
        bevillingsdato: '2023-07-01'
      }
    }),
    'GET /v1/decisions/:id/interventions/:interventionId': (url) => ({ url }),
    'GET /v1/decisions/:id/interventions': (url) => ({ url }),
    'POST /v1/decisions/:id/ending': () => ({
      url: `${courses.closing}/ending`, headers: ifMatch(courses.closing), payload: { slutdato: '2023-09-30', reason: 'Fraflyttet' }
    }),
    'GET /v1/decisions/:id/follow-ups': (url) => ({ url }),
    'POST /v1/decisions/:id/interventions/:interventionId/ydelser': () => ({
      url: `${courses.changed.url}/ydelser`, headers: ifMatch(courses.changed.url), payload: { code: 'd473dea2-4f6d-4f36-a8f0-260f0213f50a', startdato: '2023-08-01' }
    }),
    'GET /v1/ydelser/:id': () => ({ url: `/v1/ydelser/${courses.changed.ydelseId}` }),
    'PATCH /v1/ydelser/:id': () => ({
      url: `/v1/ydelser/${courses.changed.ydelseId}`, headers: ifMatch(`/v1/ydelser/${courses.changed.ydelseId}`), payload: { slutdato: '2023-12-31', reason: 'forlænget' }
    }),
    'GET /v1/ydelser/:id/versions': () => ({ url: `/v1/ydelser/${courses.changed.ydelseId}/versions` }),
    'POST /v1/decisions/:id/interventions/:interventionId/ending': () => ({
      url: `${courses.ended.url}/ending`, headers: ifMatch(courses.ended.url), payload: { slutdato: '2023-09-30' }
    }),
    'POST /v1/decisions/:id/interventions/:interventionId/provider-change': () => ({
      url: `${courses.moved.url}/provider-change`, headers: ifMatch(courses.moved.url), payload: { slutdato: '2023-09-30', leverandoer: { pNummer: '1023456789' } }
    }),
    'POST /v1/cases/:id/delmaal': (url) => ({ url, payload: { goalId: x.goalId, tekst: 'Lave et budget', startdato: '2023-03-01' } }),
    'GET /v1/cases/:id/delmaal': (url) => ({ url }),
    'GET /v1/cases/:id/delmaal/:delmaalId': (url) => ({ url }),
    'PATCH /v1/cases/:id/delmaal/:delmaalId': (url) => ({ url, headers: { 'if-match': delmaal.etag! }, payload: { status: 'opnaaet' } }),
    'POST /v1/cases/:id/notes': (url) => ({ url, payload: { tekst: 'Budgettet er lavet', forfatterrolle: 'udfoerer' } }),
    'GET /v1/cases/:id/notes': (url) => ({ url }),
    'GET /v1/cases/:id/notes/:noteId': (url) => ({ url }),
    'POST /v1/decisions/:id/follow-ups': (url) => ({
      url: url.replace(x.decisionId, 'OPEN_DECISION'),
      payload: {
        maal: [],
        stoettebehov: { code: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae', begrundelse: 'Fortsat lidt støtte' },
        statusPaaIndsats: '1e971d84-10a4-4ef8-a8b3-0daa4c7d088a',
        naesteOpfoelgningsdato: '2099-01-01'
      }
    }),
    'GET /v1/decisions/:id/follow-ups/:followUpId': (url) => ({ url }),
    'PATCH /v1/decisions/:id/follow-ups/:followUpId': (url) => ({
      url, headers: ifMatch(followUpUrl), payload: { maal: [{ goalId: x.goalId, udfoerersVurdering: 'Stabil i fire måneder' }], reason: 'fejlregistrering' }
    }),
    'GET /v1/decisions/:id/follow-ups/:followUpId/versions': (url) => ({ url }),
    'GET /v1/follow-ups/due': (url) => ({ url }),
    'GET /v1/cases/:id/timeline': (url) => ({ url }),
    // Each annulment annuls a record of its own, made below, that no other request of the walk uses.
    ...Object.fromEntries([...themes.map((theme) => `/v1/cases/:id/investigation/${theme}/:registrationId`), '/v1/cases/:id/assessment',
      '/v1/cases/:id/goals/:goalId', '/v1/decisions/:id', '/v1/decisions/:id/interventions/:interventionId', '/v1/ydelser/:id',
      '/v1/cases/:id/delmaal/:delmaalId', '/v1/cases/:id/notes/:noteId', '/v1/decisions/:id/follow-ups/:followUpId']
      .map((pattern) => [`POST ${pattern}/annulment`, () => ({
        url: `${annulled[pattern]!}/annulment`, headers: ifMatch(annulled[pattern]!), payload: { reason: 'fejlregistrering' }
      })])),
    'GET /v1/decisions/:id/uddata': (url) => ({ url }),
    'GET /v1/exports/uddata': (url) => ({ url }),
    'GET /v1/cases/:id/fhir': (url) => ({ url }),
    'GET /v1/exports/fhir': (url) => ({ url: `${url}?kommunekode=101&date=2023-06-02` }),
    ...Object.fromEntries(AGGREGATES.map((a) => [`GET /v1/analytics/${a.path}`, (url: string) => ({ url: `${url}?kommunekode=101` })])),
    'GET /v1/analytics/cases/:id/progression': (url) => ({ url })
  }

  const routes = app.routeTable
    .filter((route) => route.url.startsWith('/v1/') && ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method))
    .map((route) => `${route.method} ${route.url}`)
    .filter((route) => !NOT_PERSONAL.has(route))
  t.same([...routes].sort(), Object.keys(requests).sort(), 'every route with citizen data has a request here, and no other')

  // The second decision is still open, for the writes a closed decision refuses.
  const open = await aDecision(app, headers, x.caseUrl, {
    afgoerelsesdato: '2023-06-15',
    goals: undefined,
    stoettebehov: { code: 'dd628e73-d6c9-4837-a2b8-aa62d73bd6ae', begrundelse: 'Ny afgørelse' },
    maalgrupper: { primaer: '0919515d-9975-4743-a16f-edb45374b0da' }
  })
  for (const name of ['changed', 'ended', 'moved'] as const) {
    const made = await anIntervention(app, headers, open.id, { ydelser: [{ code: 'd473dea2-4f6d-4f36-a8f0-260f0213f50a', startdato: '2023-07-01' }] })
    courses[name] = { url: made.location, ydelseId: made.body.ydelser[0].id }
  }
  // On a case of its own: a correction of citizen X's registrations changes every decision of that case (and its ETag).
  const closingCase = (await aCase(app, headers, { cpr: '0303904321' })).location
  courses.closing = `/v1/decisions/${(await aDecision(app, headers, closingCase, {
    afgoerelsesdato: '2023-06-20', goals: undefined, maalgrupper: { primaer: '0919515d-9975-4743-a16f-edb45374b0da' }
  })).id}`
  const correctedCase = (await aCase(app, headers, { cpr: '0404904321' })).location
  corrected = `/v1/decisions/${(await aDecision(app, headers, correctedCase, {
    afgoerelsesdato: '2023-06-22', goals: undefined, maalgrupper: { primaer: '0919515d-9975-4743-a16f-edb45374b0da' }
  })).id}`
  await recordsToAnnul()
  // Each of these is changed by one request of the walk only, so the ETag read now is still current when it runs.
  for (const url of [courses.changed.url, courses.ended.url, courses.moved.url, courses.closing, corrected, `/v1/ydelser/${courses.changed.ydelseId}`, `${x.caseUrl}/goals/${x.goalId}`,
    followUpUrl, ...themes.map(registrationUrl), ...Object.values(annulled)]) {
    etags[url] = (await app.inject({ method: 'GET', url, headers })).headers.etag!
  }
  return routes.map((route) => {
    const [method, path] = route.split(' ') as [InjectOptions['method'], string]
    const decisionRoute = path.startsWith('/v1/decisions/')
    const url = path.replace(/:(\w+)/g, (_, name: string) => name === 'id' && decisionRoute ? x.decisionId : ids[name] ?? `:${name}`)
    const request = requests[route]!(url)
    return { route, method, url: request.url.replace('OPEN_DECISION', open.id), headers: { ...headers, ...request.headers }, payload: request.payload }
  })
}
