import { sql } from 'kysely'
import t from 'tap'
import { forgetTokens } from '../../src/clients/token-cache.js'
import { purgeExpiredKeys } from '../../src/db/unit-of-work.js'
import { AD, LEVEL, MAALGRUPPE, STOETTEBEHOV, TILBUD, YDELSE } from '../support/codes.js'
import { aCase } from '../support/factories.js'
import { buildTestApp, createTestClient, SERVER_URL } from '../helper.js'

/** The one write path (runChange): Idempotency-Key replays, and a write that fails leaves nothing behind. */

const CITIZEN_X = { kommunekode: '101', cpr: '010190-4321', borgerensOensker: 'Styre min økonomi selv', diagnoser: ['ADHD'] }

t.test('idempotency keys', async (t) => {
  const app = await buildTestApp(t, { config: { idempotencyTtlSeconds: 1 } })
  const { client, headers } = await createTestClient(app)
  const countCases = async (): Promise<number> =>
    (await app.database.db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n
  const post = async (key: string, payload: object = CITIZEN_X) =>
    await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...headers, 'idempotency-key': key }, payload })

  t.test('a retry with the same key and body returns the original response and writes one row', async (t) => {
    const before = await countCases()
    const first = await post('"retry-1"')
    const again = await post('"retry-1"', { diagnoser: ['ADHD'], borgerensOensker: 'Styre min økonomi selv', cpr: '010190-4321', kommunekode: '101' })
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.body, first.body, 'the same body, whatever the key order of the request')
    t.equal(again.headers.location, first.headers.location)
    t.equal(again.headers.etag, first.headers.etag)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.notOk(first.headers['idempotent-replayed'])
    t.equal(await countCases(), before + 1, 'one row')
    const unquoted = await post('retry-1')
    t.equal(unquoted.json().id, first.json().id, 'a bare key is the same key as its quoted form')
  })

  t.test('a retried update with its key is answered from the first, not refused as stale', async (t) => {
    const created = await post('"open-for-patch"')
    const patch = async () => await app.inject({
      method: 'PATCH',
      url: created.headers.location!,
      payload: { diagnoser: ['Angst'] },
      headers: { ...headers, 'if-match': created.headers.etag!, 'idempotency-key': '"patch-1"' }
    })
    const first = await patch()
    const retry = await patch()
    t.equal(first.statusCode, 200)
    t.equal(retry.statusCode, 200, 'not 412: the retry is the same request')
    t.equal(retry.body, first.body)
    t.equal(retry.headers['idempotent-replayed'], 'true')
    t.equal(retry.json().version, 2, 'applied once')
  })

  t.test('the same key with a different body is a 422 problem', async (t) => {
    await post('"retry-2"')
    const before = await countCases()
    const res = await post('"retry-2"', { ...CITIZEN_X, diagnoser: ['Angst'] })
    t.equal(res.statusCode, 422)
    t.equal(res.json().type, 'urn:ffb-api:problem:idempotency-key-reused')
    t.match(res.json().errors, [{ in: 'header', pointer: '/idempotency-key' }])
    t.equal(await countCases(), before)
  })

  t.test('keys are per client, and a failed request stores nothing', async (t) => {
    const other = await createTestClient(app)
    const mine = await post('"shared"')
    const theirs = await app.inject({ method: 'POST', url: '/v1/cases', headers: { ...other.headers, 'idempotency-key': '"shared"' }, payload: CITIZEN_X })
    t.not(theirs.json().id, mine.json().id)
    const refused = await post('"after-400"', { ...CITIZEN_X, cpr: '3202904321' })
    t.equal(refused.statusCode, 400)
    t.equal((await post('"after-400"')).statusCode, 201, 'the corrected retry is processed')
  })

  t.test('a stored answer is not replayed to a client that no longer serves its municipality', async (t) => {
    const first = await post('"before-removal"')
    t.equal(first.statusCode, 201)
    await app.database.db.updateTable('api_clients').set({ municipalities: ['999'] }).where('id', '=', client.id).execute()
    // As revokeClient does; a change made by another process takes effect within TOKEN_TTL_MS.
    forgetTokens(app.database.db)
    const replay = await post('"before-removal"')
    t.equal(replay.statusCode, 403)
    t.notOk(replay.body.includes('0101904321'), 'no citizen data in the refusal')
    await app.database.db.updateTable('api_clients').set({ municipalities: ['101'] }).where('id', '=', client.id).execute()
    forgetTokens(app.database.db)
  })

  t.test('malformed keys are a 400 problem', async (t) => {
    for (const key of ['""', '"a"b"', 'with space', `"${'k'.repeat(256)}"`, '"æøå"']) {
      const res = await post(key)
      t.equal(res.statusCode, 400, key)
      t.match(res.json().errors, [{ in: 'header', pointer: '/idempotency-key' }])
    }
  })

  t.test('concurrent retries write once', async (t) => {
    const before = await countCases()
    const results = await Promise.all(Array.from({ length: 5 }, async () => await post('"burst"')))
    const created = results.filter((r) => r.statusCode === 201)
    t.ok(created.length >= 1)
    t.ok(results.every((r) => r.statusCode === 201 || r.statusCode === 409), results.map((r) => r.statusCode).join())
    t.equal(new Set(created.map((r) => r.body)).size, 1, 'every 201 carries the same case')
    t.equal(await countCases(), before + 1)
  })

  t.test('a retry while the first attempt still runs is a 409 with Retry-After', { skip: SERVER_URL === undefined && 'PGlite runs one transaction at a time: nothing is ever in flight' }, async (t) => {
    // Holds the key's lock from another session, as a first attempt still running would.
    await app.database.withSession(async (session) => {
      await session.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', [client.id, 'in-flight'])
      const res = await post('"in-flight"')
      t.equal(res.statusCode, 409)
      t.equal(res.json().type, 'urn:ffb-api:problem:idempotency-in-progress')
      t.equal(res.headers['retry-after'], '1')
      await session.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [client.id, 'in-flight'])
    })
    t.equal((await post('"in-flight"')).statusCode, 201, 'once the first is done, the key works')
  })

  t.test('keys expire after IDEMPOTENCY_TTL_SECONDS', async (t) => {
    const first = await post('"expiring"')
    await post('"purged"')
    const [row] = await app.database.db.selectFrom('idempotency_keys').select(['created_at', 'expires_at']).where('key', '=', 'expiring').execute()
    t.equal(row!.expires_at.getTime() - row!.created_at.getTime(), 1000, 'expires after the configured second')
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const later = await post('"expiring"')
    t.equal(later.statusCode, 201)
    t.not(later.json().id, first.json().id, 'an expired key is a new request')
    // The app's own purge timer (every TTL, here 1 s) may have removed it already; either way it goes.
    await purgeExpiredKeys(app.database.db)
    t.same((await app.database.db.selectFrom('idempotency_keys').select('key').where('key', 'in', ['expiring', 'purged']).execute()).map((r) => r.key), ['expiring'],
      'the purge removed the expired key; the renewed one stays')
  })
})

t.test('a failing step inside a request leaves the database unchanged', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app, { municipalities: ['101', '777'] })
  const opened = await aCase(app, headers, { ...CITIZEN_X, kommunekode: '777' })
  const decision = {
    afgoerelsesdato: '2023-01-15',
    stoettebehov: { code: STOETTEBEHOV.let, begrundelse: 'x' },
    maalgrupper: { primaer: MAALGRUPPE.angst }
  }
  const decided = await app.inject({ method: 'POST', url: `${opened.location}/decisions`, headers, payload: decision })
  t.equal(decided.statusCode, 201, decided.body)
  // The audit record is each write's last statement; make it fail for municipality 777.
  await sql.raw(`CREATE FUNCTION fail_777() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.kommunekode = '777' AND NEW.outcome = 'success' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`)
    .execute(app.database.db)
  await sql.raw('CREATE TRIGGER fail_777 BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_777()').execute(app.database.db)
  const snapshot = async () => await sql<{ dump: string }>`SELECT
      (SELECT coalesce(json_agg(c ORDER BY seq)::text, '') FROM cases c) ||
      (SELECT coalesce(json_agg(r ORDER BY seq)::text, '') FROM theme_registrations r) ||
      (SELECT coalesce(json_agg(k ORDER BY key)::text, '') FROM idempotency_keys k) ||
      (SELECT coalesce(json_agg(d ORDER BY seq)::text, '') FROM decisions d) ||
      (SELECT coalesce(json_agg(s ORDER BY seq)::text, '') FROM stoettebehov s) ||
      (SELECT coalesce(json_agg(i ORDER BY seq)::text, '') FROM interventions i) ||
      (SELECT coalesce(json_agg(y ORDER BY seq)::text, '') FROM intervention_ydelser y) ||
      (SELECT coalesce(json_agg(a ORDER BY case_id)::text, '') FROM assessments a) AS dump`.execute(app.database.db)
  const before = (await snapshot()).rows[0]?.dump

  const create = await app.inject({
    method: 'POST', url: '/v1/cases', headers: { ...headers, 'idempotency-key': '"k1"' }, payload: { ...CITIZEN_X, kommunekode: '777' }
  })
  t.equal(create.statusCode, 500)
  t.equal(create.json().type, 'urn:ffb-api:problem:internal')
  const register = await app.inject({
    method: 'POST',
    url: `${opened.location}/investigation/aktivitet-og-deltagelse`,
    headers: { ...headers, 'idempotency-key': '"k2"' },
    payload: { undertema: AD.varetageOekonomi, funktionsevneniveau: LEVEL[2] }
  })
  t.equal(register.statusCode, 500)
  const patch = await app.inject({
    method: 'PATCH', url: opened.location, headers: { ...headers, 'if-match': opened.etag! }, payload: { diagnoser: [] }
  })
  t.equal(patch.statusCode, 500)
  const decide = await app.inject({ method: 'POST', url: `${opened.location}/decisions`, headers, payload: decision })
  t.equal(decide.statusCode, 500)
  const order = await app.inject({
    method: 'POST',
    url: `${decided.headers.location!}/interventions`,
    headers,
    payload: {
      tilbud: { code: TILBUD.mobiltTilbud },
      ydelser: [{ code: YDELSE.stoetteTilTransport, startdato: '2023-02-01' }, { code: YDELSE.stoetteTilBeskaeftigelse, startdato: '2023-02-01' }],
      leverandoer: { pNummer: '1012345678' },
      bevillingsdato: '2023-01-15'
    }
  })
  t.equal(order.statusCode, 500)
  const assess = await app.inject({ method: 'PUT', url: `${opened.location}/assessment`, headers, payload: { samletVurdering: 'x', indsatsformaal: null } })
  t.equal(assess.statusCode, 500)
  t.equal((await snapshot()).rows[0]?.dump, before, 'no case, registration, decision, støttebehov, intervention, ydelse, assessment, case change or idempotency key was stored')
  const failed = await app.database.db.selectFrom('audit_log').select(['action', 'outcome']).where('outcome', '=', 'failed').execute()
  t.same(failed.map((r) => r.action).sort(), ['create', 'create', 'create', 'create', 'update', 'update'], 'the failures themselves are audited')
})
