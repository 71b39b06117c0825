import t from 'tap'
import { openDatabase, type Session } from '../src/db/database.js'
import { isStalePlan, STATEMENT_CACHE_SIZE } from '../src/db/statements.js'
import { createServerDatabase, SERVER_URL } from './helper.js'

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

  t.test('a migration that changes a selected table does not break statements prepared before it', async (t) => {
    const database = await openDatabase({ databaseUrl: await createServerDatabase(t) })
    t.teardown(database.close)
    await database.withSession(async (s) => {
      await s.exec('CREATE TABLE pets (id int PRIMARY KEY, name text); INSERT INTO pets VALUES (1, \'Fido\')')
      t.same(await s.query('SELECT * FROM pets WHERE id = $1', [1]), [{ id: 1, name: 'Fido' }])
      await s.exec('ALTER TABLE pets ADD COLUMN born date')
      t.same(await s.query('SELECT * FROM pets WHERE id = $1', [1]), [{ id: 1, name: 'Fido', born: null }],
        'run on its own, the statement is prepared afresh and answers with the new column')

      await s.exec('ALTER TABLE pets ADD COLUMN owner text')
      await s.exec('BEGIN')
      const error = await s.query('SELECT * FROM pets WHERE id = $1', [1]).catch((e: unknown) => e)
      t.ok(isStalePlan(error), 'inside a transaction the error stands: the transaction is already aborted')
      await s.exec('ROLLBACK')
      t.same(await s.query('SELECT * FROM pets WHERE id = $1', [1]), [{ id: 1, name: 'Fido', born: null, owner: null }],
        'the retry of the transaction finds the statement prepared afresh')
    })
  })
}
