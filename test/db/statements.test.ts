import t from 'tap'
import { openDatabase, type Session } from '../../src/db/database.js'
import { NAMES_PER_CONNECTION, STATEMENT_CACHE_SIZE } from '../../src/db/statements.js'
import { FF } from '../support/codes.js'
import { buildTestApp, createServerDatabase, createTestClient, SERVER_URL } from '../helper.js'

// Prepared statements are the pg pool's (PGlite runs every statement as it comes).
if (SERVER_URL === undefined) {
  t.pass('skipped: prepared statements are only used on PostgreSQL; set DATABASE_URL to run these tests')
} else {
  const prepared = async (s: Session): Promise<string[]> =>
    (await s.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time')).map((row) => row.statement)

  t.test('a parameterized statement is prepared once per connection and reused', async (t) => {
    const database = await openDatabase({ databaseUrl: await createServerDatabase(t) })
    t.teardown(database.close)
    await database.withSession(async (s) => {
      t.same(await s.query('SELECT $1::int + 1 AS n', [1]), [{ n: 2 }])
      t.same(await s.query('SELECT $1::int + 1 AS n', [41]), [{ n: 42 }])
      t.same(await prepared(s), ['SELECT $1::int + 1 AS n'], 'one prepared statement; the query without parameters was not prepared')
    })
  })

  t.test('a connection keeps its most recently used statements and deallocates the rest', async (t) => {
    const database = await openDatabase({ databaseUrl: await createServerDatabase(t) })
    t.teardown(database.close)
    await database.withSession(async (s) => {
      for (let i = 0; i < STATEMENT_CACHE_SIZE + 20; i++) await s.query(`SELECT $1::int + ${i} AS n`, [0])
      const kept = await prepared(s)
      t.equal(kept.length, STATEMENT_CACHE_SIZE)
      t.equal(kept[0], 'SELECT $1::int + 20 AS n', 'the least recently used went first')
      t.same(await s.query('SELECT $1::int + 0 AS n', [5]), [{ n: 5 }], 'an evicted statement is prepared again')
    })
  })

  t.test('a connection that has used up its names runs new statements unnamed and keeps the ones it has', async (t) => {
    const database = await openDatabase({ databaseUrl: await createServerDatabase(t) })
    t.teardown(database.close)
    await database.withSession(async (s) => {
      for (let i = 0; i < NAMES_PER_CONNECTION; i++) await s.query(`SELECT $1::int + ${i} AS n`, [0])
      const kept = await prepared(s)
      t.equal(kept.length, STATEMENT_CACHE_SIZE)
      t.same(await s.query('SELECT $1::int - 1 AS n', [5]), [{ n: 4 }], 'a new statement still runs')
      t.same(await s.query(`SELECT $1::int + ${NAMES_PER_CONNECTION - 1} AS n`, [1]), [{ n: NAMES_PER_CONNECTION }], 'a kept one still runs')
      t.same(await prepared(s), kept, 'nothing was prepared or deallocated')
    })
  })

  t.test('inside a transaction statements are not prepared', async (t) => {
    const database = await openDatabase({ databaseUrl: await createServerDatabase(t) })
    t.teardown(database.close)
    await database.withSession(async (s) => {
      await s.exec('BEGIN')
      t.same(await s.query('SELECT $1::int + 1 AS n', [1]), [{ n: 2 }])
      await s.exec('COMMIT')
      t.same(await prepared(s), [])
    })
  })

  t.test('a statement prepared before a migration changed its table is prepared afresh', async (t) => {
    const database = await openDatabase({ databaseUrl: await createServerDatabase(t) })
    t.teardown(database.close)
    await database.withSession(async (s) => {
      await s.exec('CREATE TABLE pets (id int PRIMARY KEY, name text); INSERT INTO pets VALUES (1, \'Fido\')')
      t.same(await s.query('SELECT * FROM pets WHERE id = $1', [1]), [{ id: 1, name: 'Fido' }])
      await s.exec('ALTER TABLE pets ADD COLUMN born date')
      t.same(await s.query('SELECT * FROM pets WHERE id = $1', [1]), [{ id: 1, name: 'Fido', born: null }])
      t.same(await prepared(s), ['SELECT * FROM pets WHERE id = $1'], 'the outdated one was deallocated')
    })
  })

  t.test('reads and one-statement writes go on working when another instance migrates', async (t) => {
    const app = await buildTestApp(t)
    const { headers } = await createTestClient(app)
    const created = await app.inject({ method: 'POST', url: '/v1/cases', headers, payload: { kommunekode: '101', cpr: '0101904321', openedAt: '2023-01-01T08:00:00Z' } })
    const url = created.headers.location!
    const traffic = async () => {
      const read = await app.inject({ method: 'GET', url, headers })
      const registered = await app.inject({ method: 'POST', url: `${url}/investigation/funktioner-og-forhold`, headers, payload: { undertema: FF.oekonomiskSituation } })
      return [read.statusCode, registered.statusCode, Object.keys(read.json()).length, Object.keys(registered.json()).length]
    }
    // One request at a time: the pool hands out the connection released last, with its statements prepared.
    const before = await traffic()
    t.same((await traffic()).slice(0, 2), [200, 201])
    await app.database.withSession(async (s) => {
      await s.exec('ALTER TABLE cases ADD COLUMN added_later text; ALTER TABLE theme_registrations ADD COLUMN added_later text')
    })
    t.same(await traffic(), before, 'the same answers, without the new columns')
  })
}
