import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { buildTestApp, createTestClient, ROOT } from '../helper.js'
import { findChromium, NO_CHROMIUM } from '../support/chromium.js'
import { AD, LEVEL, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import type { Json } from '../support/factories.js'
import { buildPopulation, MODERAT, TRUTH } from './population.js'

const app = await buildTestApp(t)
const { headers } = await createTestClient(app, { municipalities: ['101', '147'] })
const { first } = await buildPopulation(app, headers)
const PERIOD = 'from=2023-01-01&to=2023-12-31'

const get = async (path: string, extra: Record<string, string> = {}, auth = headers) =>
  await app.inject({ method: 'GET', url: `/v1/analytics/${path}`, headers: { ...auth, ...extra } })
const table = async (path: string, auth = headers): Promise<Json> => {
  const res = await get(path, {}, auth)
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`)
  return res.json<Json>()
}
const cell = (body: Json, row: string, column: string | null = null) =>
  body.cells.find((c: Json) => c.row.code === row && (c.column?.code ?? null) === column)

t.test('progression per undertema: 10 improved, 5 unchanged, 3 worsened (one by correction); annulled records left out', async (t) => {
  const body = await table(`progression-by-undertema?${PERIOD}`)
  t.equal(body.threshold, 5)
  t.match(cell(body, AD.varetageOekonomi, 'improved'), { row: { label: 'Varetage økonomi' }, column: { label: 'Forbedret' }, value: 10, share: 0.5556, suppressed: false })
  t.match(cell(body, AD.varetageOekonomi, 'worsened'), { value: null, share: null, suppressed: true }, '3 is below the threshold')
  t.match(cell(body, AD.varetageOekonomi, 'unchanged'), { value: null, suppressed: true }, '5 is hidden so 18 − 10 does not give the 3 back')
  t.match(body.rowTotals, [{ row: { code: AD.varetageOekonomi }, value: TRUTH.improved + TRUTH.unchanged + TRUTH.worsened, perCitizen: 1 }])
  t.same(body.suppressed.filter((s: Json) => s.row !== null).map((s: Json) => [s.column, s.reason]).sort(),
    [['unchanged', 'complementary'], ['worsened', 'below-threshold']])
  t.same(body.suppressed.filter((s: Json) => s.row === null).map((s: Json) => [s.column, s.reason]).sort(),
    [['unchanged', 'complementary'], ['worsened', 'below-threshold']], 'the column totals that would give them back are hidden too')
  t.equal(body.total.value, 18)
  t.notMatch(JSON.stringify(body), /\d{10}/, 'no CPR number')
  t.notMatch(JSON.stringify(body), new RegExp(first.decisionId), 'no decision id')
})

t.test('progression per overtema: Samfundsliv as Varetage økonomi', async (t) => {
  const body = await table(`progression-by-overtema?${PERIOD}`)
  t.match(body.cells.find((c: Json) => c.column.code === 'improved'), { row: { label: 'Samfundsliv' }, value: 10 })
})

t.test('goals reached vs expected: 10 as expected, 8 short of it', async (t) => {
  const body = await table(`goal-attainment?${PERIOD}`)
  t.match(cell(body, AD.varetageOekonomi, 'as-expected'), { value: 10 })
  t.match(cell(body, AD.varetageOekonomi, 'short-of-expected'), { value: 8 })
  t.equal(cell(body, AD.varetageOekonomi, 'better-than-expected'), undefined)
})

t.test('støttebehov from → to between the decision and its latest follow-up', async (t) => {
  const body = await table(`stoettebehov-transitions?${PERIOD}`)
  t.match(cell(body, STOETTEBEHOV.let, STOETTEBEHOV.intet), { value: 10, row: { label: 'Let støttebehov' }, column: { label: 'Intet støttebehov' } })
  t.match(cell(body, STOETTEBEHOV.let, MODERAT), { value: null, suppressed: true })
  t.match(cell(body, STOETTEBEHOV.let, STOETTEBEHOV.let), { value: null, suppressed: true })
})

t.test('unique citizens by kommune, ydelse and tilbud; one small municipality hides the other too', async (t) => {
  const byKommune = await table(`citizens-by-kommune?${PERIOD}`)
  t.match(cell(byKommune, '147'), { value: null, suppressed: true })
  t.match(cell(byKommune, '101'), { value: null, suppressed: true }, 'else 21 − 19 gives the 2 of 147')
  t.same(byKommune.total, { value: TRUTH.in101 + TRUTH.in147, suppressed: false })
  const only101 = await table(`citizens-by-kommune?${PERIOD}&kommunekode=101`)
  t.match(cell(only101, '101'), { value: TRUTH.in101, suppressed: false })
  t.match(cell(await table(`citizens-by-ydelse?${PERIOD}`), YDELSE.stoetteTilAdministration), { row: { label: 'Støtte til administration' }, value: TRUTH.in101 })
  t.match(cell(await table(`citizens-by-tilbud?${PERIOD}`), TILBUD.mobiltTilbud), { row: { label: 'Mobilt tilbud' }, value: TRUTH.in101 })
  t.same((await table(`citizens-by-ydelse?${PERIOD}&ydelse=${YDELSE.stoetteTilTransport}`)).cells, [], 'the ydelse filter')
  t.match(cell(await table(`citizens-by-kommune?${PERIOD}&paragraf=${encodeURIComponent('SEL § 85')}`), '101'), { value: TRUTH.in101 })
  t.match(cell(await table(`citizens-by-kommune?${PERIOD}&dstYdelseskode=1.12.0.2`), '101'), { value: TRUTH.in101 }, 'mobilt tilbud with a § 85 ydelse')
  t.same((await table(`citizens-by-kommune?${PERIOD}&dstYdelseskode=1.8.2`)).cells, [], 'no § 107 botilbud')
  t.same((await table('citizens-by-kommune?from=2020-01-01&to=2020-12-31')).cells, [], 'a period before every course')
})

t.test('at visitation: the undertemaer investigated per indsats, the levels, the måltyper', async (t) => {
  const investigated = await table(`investigated-undertemaer?${PERIOD}`)
  t.match(cell(investigated, TILBUD.mobiltTilbud, AD.varetageOekonomi), { value: TRUTH.in101 })
  t.match(investigated.rowTotals, [{ row: { code: TILBUD.mobiltTilbud }, value: TRUTH.in101, perCitizen: 1 }])
  t.match(cell(await table(`levels-at-visitation?${PERIOD}`), AD.varetageOekonomi, LEVEL[2]), { value: TRUTH.in101, column: { label: 'Moderat nedsat funktionsevne' } })
  t.match((await table(`maaltype-by-indsats?${PERIOD}`)).cells, [{ row: { code: TILBUD.mobiltTilbud }, column: { label: 'Udvikle funktionsevne' }, value: TRUTH.in101 }])
})

t.test('follow-up cadence: the median gap and the overdue follow-ups', async (t) => {
  const body = await table(`follow-up-cadence?${PERIOD}`)
  t.match(cell(body, '101', 'median-days'), { value: 92, suppressed: false }, '5 citizens followed up twice, 92 days apart')
  t.match(cell(body, '101', 'overdue'), { value: TRUTH.in101 }, 'every open decision of 101 was due on 1 December 2023 (the unfollowed one by its goal)')
  t.match(cell(body, '147', 'overdue'), undefined, '147\'s decisions have no follow-up date')
})

t.test('CSV by Accept or ?format=csv: the same numbers, suppressed ones empty', async (t) => {
  const res = await get(`progression-by-undertema?${PERIOD}`, { accept: 'text/csv' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.equal(res.headers['cache-control'], 'no-store')
  const lines = res.body.trim().split('\r\n')
  t.equal(lines[0], 'undertema_code,undertema_label,udfald_code,udfald_label,value,share,suppressed')
  t.ok(lines.includes(`${AD.varetageOekonomi},Varetage økonomi,improved,Forbedret,10,0.5556,false`))
  t.ok(lines.includes(`${AD.varetageOekonomi},Varetage økonomi,worsened,Forværret,,,true`))
  t.ok(lines.includes(`${AD.varetageOekonomi},Varetage økonomi,total,,18,,false`))
  t.equal((await get(`citizens-by-kommune?${PERIOD}&format=csv`)).body.split('\r\n')[0], 'kommunekode_code,kommunekode_label,column_code,column_label,value,share,suppressed')
})

t.test('charts: every aggregate as SVG and as its Vega-Lite spec; suppressed cells absent', async (t) => {
  for (const path of ['citizens-by-ydelse', 'citizens-by-tilbud', 'citizens-by-kommune', 'investigated-undertemaer', 'levels-at-visitation',
    'maaltype-by-indsats', 'stoettebehov-transitions', 'progression-by-undertema', 'progression-by-overtema', 'goal-attainment', 'follow-up-cadence']) {
    const res = await get(`${path}?${PERIOD}&format=svg`)
    t.equal(res.statusCode, 200, path)
    t.match(res.headers['content-type'], /^image\/svg\+xml/, path)
    t.match(res.body, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, `${path}: an SVG document`)
    t.match(res.body, /aria-roledescription="axis"/, `${path}: has axes`)
  }
  const svg = (await get(`progression-by-undertema?${PERIOD}`, { accept: 'image/svg+xml' })).body
  t.match(svg, /Y-axis titled 'undertema'/)
  t.match(svg, /X-axis titled 'Andel af borgerne'/)
  t.match(svg, /undertema: Varetage økonomi; udfald: Forbedret/, 'the published series')
  t.notMatch(svg, /udfald: Forværret/, 'the suppressed cell is not drawn')
  t.notMatch(svg, /udfald: Uændret/, 'nor its complement')
  const spec = await get(`progression-by-undertema?${PERIOD}`, { accept: 'application/vnd.vegalite+json' })
  t.match(spec.headers['content-type'], /^application\/vnd\.vegalite\+json/)
  t.match(spec.json(), { $schema: /vega-lite\/v6/, data: { values: [{ undertema: 'Varetage økonomi', udfald: 'Forbedret', Borgere: 10, Andel: 0.5556 }] } })
  t.equal(spec.json().data.values.length, 1, 'only published cells are in the spec')
  const heat = (await get(`stoettebehov-transitions?${PERIOD}&format=svg`)).body
  t.match(heat, /til: Intet støttebehov; fra: Let støttebehov; Borgere: 10/)
  t.notMatch(heat, /til: Moderat støttebehov/)
})

t.test('a citizen\'s progression on a case: levels over time, støttebehov, goal, ydelser; JSON and SVG', async (t) => {
  const caseId = first.caseUrl.split('/').at(-1)!
  const res = await get(`cases/${caseId}/progression`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json<Json>()
  t.match(body.undertemaer, [{
    undertema: { label: 'Varetage økonomi' },
    overtema: { label: 'Samfundsliv' },
    levels: [{ funktionsevneniveau: { level: 2 }, source: 'investigation' }, { funktionsevneniveau: { level: 1 }, source: 'follow-up' }]
  }])
  t.match(body.overtemaer, [{ overtema: { label: 'Samfundsliv' }, levels: [{ date: '2023-01-01', meanLevel: 2 }, { date: '2023-06-01', meanLevel: 1 }] }])
  t.match(body.stoettebehov, [{ stoettebehov: { level: 1 }, source: 'decision' }, { stoettebehov: { level: 0 }, source: 'follow-up' }])
  t.match(body.goals, [{ goalId: first.goalId, maaltype: { label: 'Udvikle funktionsevne' }, startLevel: { level: 2 }, expectedLevel: { level: 1 }, reachedLevel: { level: 1 }, maalOpnaaet: true }])
  t.match(body.ydelser, [{ ydelse: { label: 'Støtte til administration' }, tilbud: { label: 'Mobilt tilbud' }, startdato: '2023-01-01', slutdato: null }])
  t.match((await get(`cases/${caseId}/progression?decisionId=${first.decisionId}`)).json(), { decisionId: first.decisionId, goals: [{ goalId: first.goalId }] })
  const svg = await get(`cases/${caseId}/progression?format=svg`)
  t.match(svg.headers['content-type'], /^image\/svg\+xml/)
  t.match(svg.body, /X-axis titled 'Dato'/)
  t.match(svg.body, /Undertema: Varetage økonomi/, 'the level series')
  t.match(svg.body, /Indsatsmål \(Udvikle funktionsevne\): forventet niveau 1/, 'the goal\'s expected level')
  t.equal((await get(`cases/${caseId}/progression?decisionId=00000000-0000-4000-8000-000000000000`)).statusCode, 404)
  const audit = await app.inject({ method: 'GET', url: '/v1/audit?resourceType=progression', headers })
  t.match(audit.json().items[0], { action: 'read', resourceId: caseId, kommunekode: '101', status: 200 }, 'the read is audited')
})

const CHROMIUM = findChromium()

t.test('two charts embedded in a page, in headless Chromium: drawn, with axes and series, nothing suppressed', {
  skip: CHROMIUM === undefined && NO_CHROMIUM
}, async (t) => {
  // Fetched over real HTTP, as a vendor's backend would, and embedded inline in one page.
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const svgOf = async (path: string): Promise<string> => {
    const res = await fetch(`${address}/v1/analytics/${path}`, { headers: { ...headers, accept: 'image/svg+xml' } })
    t.equal(res.status, 200, path)
    return await res.text()
  }
  const aggregate = await svgOf(`progression-by-undertema?${PERIOD}`)
  const citizen = await svgOf(`cases/${first.caseUrl.split('/').at(-1)!}/progression`)
  const browser = await chromium.launch({ executablePath: CHROMIUM })
  t.teardown(async () => { await browser.close() })
  const page = await browser.newPage({ viewport: { width: 900, height: 700 } })
  page.setDefaultTimeout(60_000)
  const errors: string[] = []
  page.on('pageerror', (error) => { errors.push(error.message) })
  await page.setContent(`<!doctype html><meta charset="utf-8"><title>Charts</title><body>
    <figure id="aggregate">${aggregate}</figure><figure id="citizen">${citizen}</figure></body>`)
  for (const id of ['aggregate', 'citizen']) {
    const box = await page.locator(`#${id} > svg`).boundingBox()
    t.ok(box !== null && box.width > 200 && box.height > 100, `${id}: the chart takes room on the page`)
    t.ok(await page.locator(`#${id} [aria-roledescription="axis"]`).count() >= 2, `${id}: two axes`)
    t.ok(await page.locator(`#${id} path[aria-roledescription], #${id} [aria-roledescription="bar"], #${id} [role="graphics-symbol"]`).count() > 0,
      `${id}: marks drawn`)
  }
  const aggregateText = await page.locator('#aggregate').innerText()
  t.match(aggregateText, /Andel af borgerne/, 'the aggregate\'s axis title, as text on the page')
  t.match(aggregateText, /Varetage økonomi/, 'its series label')
  t.notMatch(aggregate, /udfald: Forværret|udfald: Uændret/, 'the suppressed cells are not drawn')
  t.match(await page.locator('#citizen').innerText(), /Dato/, 'the citizen\'s time axis')
  t.same(errors, [], 'no script error')
  await mkdir(join(ROOT, '.tap'), { recursive: true })
  await page.screenshot({ path: join(ROOT, '.tap', 'analytics-charts.png'), fullPage: true })
})

t.test('refusals: scope, municipality, bad filters', async (t) => {
  const other = await createTestClient(app, { municipalities: ['999'], scopes: ['analytics:read'] })
  t.same((await table(`citizens-by-kommune?${PERIOD}`, other.headers)).cells, [], 'another municipality\'s client counts nothing of 101')
  t.equal((await get(`citizens-by-kommune?${PERIOD}&kommunekode=101`, {}, other.headers)).statusCode, 403)
  t.equal((await get(`cases/${first.caseUrl.split('/').at(-1)!}/progression`, {}, other.headers)).statusCode, 404)
  const reader = await createTestClient(app, { scopes: ['cases:read'] })
  t.equal((await get(`citizens-by-kommune?${PERIOD}`, {}, reader.headers)).statusCode, 403, 'cases:read is not analytics:read')
  const bad = async (query: string, pointer: string) => {
    const res = await get(`citizens-by-kommune?${query}`)
    t.equal(res.statusCode, 400, query)
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.match(res.json().errors, [{ pointer }], query)
  }
  await bad('from=2024-01-01&to=2023-01-01', '/from')
  await bad('paragraf=SEL%20%C2%A7%20999', '/paragraf')
  await bad('dstYdelseskode=9.9.9', '/dstYdelseskode')
  await bad('ydelse=not-a-code', '/ydelse')
  await bad('format=png', '/format')
})

// Last: the second app shares the database, and closing it closes the database.
t.test('a lower threshold (ANALYTICS_MIN_CELL=3) publishes what the default hides', async (t) => {
  t.equal(loadConfig({ ANALYTICS_MIN_CELL: '3' }).analyticsMinCell, 3)
  t.throws(() => loadConfig({ ANALYTICS_MIN_CELL: '0' }), /ANALYTICS_MIN_CELL/)
  const lower = await buildTestApp(t, { database: app.database, config: { analyticsMinCell: 3 } })
  const res = await lower.inject({ method: 'GET', url: `/v1/analytics/progression-by-undertema?${PERIOD}`, headers })
  const body = res.json<Json>()
  t.equal(body.threshold, 3)
  t.match(cell(body, AD.varetageOekonomi, 'worsened'), { value: TRUTH.worsened, share: 0.1667, suppressed: false })
  t.match(cell(body, AD.varetageOekonomi, 'unchanged'), { value: TRUTH.unchanged, suppressed: false })
  t.same(body.suppressed, [])
})
