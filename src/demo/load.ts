import type { FastifyInstance } from 'fastify'
import { today } from '../catalogs/catalogs.js'
import { createClient, listClients, SCOPES } from '../clients/clients.js'
import { DemoApi } from './api.js'
import { Dice, DemoCodes } from './codes.js'
import { DEMO_MUNICIPALITIES, generatedCitizen } from './generated.js'
import { citizenX, mikkel } from './seeds.js'

/** Citizens loaded side by side: requests overlap as a vendor's would (registrations then share statements). */
const CONCURRENCY = 8

/** The client the demo writes as; its presence says the demo is loaded. */
export const DEMO_CLIENT = 'demo'

/**
 * `npm run demo` (`npm start -- --demo`): a population a newcomer can try
 * the API and /docs on at once — the seeds' citizen X, Mikkel's journey
 * (seed 002) and `citizens` generated citizens across the catalogs — all
 * through the API's own routes as the client "demo". Loads once per
 * database; returns the summary to print.
 */
export async function loadDemo (app: FastifyInstance, { citizens = 200, url = 'http://localhost:3000' } = {}): Promise<string> {
  const db = app.database.db
  if ((await listClients(db)).some((c) => c.name === DEMO_CLIENT)) {
    return `\nDemo data: already loaded in this database (client "${DEMO_CLIENT}"); nothing added. ` +
      'Use the token printed when it was loaded, or a new one: npm run clients -- list, then rotate CLIENT_ID.\n\n'
  }
  const started = Date.now()
  const { client, token } = await createClient(db, { name: DEMO_CLIENT, municipalities: DEMO_MUNICIPALITIES, scopes: [...SCOPES] })
  const api = new DemoApi(app, { authorization: `Bearer ${token}` }, new DemoCodes(app.catalogs, '2023-01-01'))
  await citizenX(api)
  await mikkel(api)
  const day = today()
  // Each citizen draws from its own dice, so the population is the same however the requests interleave.
  for (let first = 0; first < citizens; first += CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONCURRENCY, citizens - first) }, (_, i) => first + i)
    await Promise.all(batch.map(async (i) => { await generatedCitizen(api, new Dice(20230101 + i), i, day) }))
  }
  const counts = [...api.counts].map(([what, n]) => `  ${String(n).padStart(6)} ${what}`).join('\n')
  return `\nDemo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s through the API as client "${DEMO_CLIENT}" (${client.id}):\n` +
    '  citizen X (seed example, municipality 101), Mikkel\'s journey (seed 002, municipality 101, decisions MIKKEL-1..3),\n' +
    `  and ${citizens} generated citizens in municipalities ${DEMO_MUNICIPALITIES.join(', ')}:\n${counts}\n\n` +
    `Demo API token (every scope in ${DEMO_MUNICIPALITIES.join(', ')}; shown once; keep it):\n\n  ${token}\n\n` +
    `  curl -H 'Authorization: Bearer ${token}' '${url}/v1/cases?kommunekode=101'\n` +
    `  ${url}/docs (Authorize with the token)\n\n`
}
