import { cp, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrate, MigrationError } from '../../src/db/migrate.js'
import { createServerDatabase, createTestDatabase, ROOT, SERVER_URL } from '../helper.js'

const fixtures = join(ROOT, 'test', 'fixtures', 'migrations')
const ok = join(fixtures, 'ok')
const broken = join(fixtures, 'broken')

async function tables (database: Database): Promise<string[]> {
  const rows = await database.withSession(async (s) => await s.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"))
  return rows.map((row) => row.name)
}

async function recorded (database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom('schema_migrations').select('name').orderBy('version').execute()
  return rows.map((row) => row.name)
}

t.test('migrate', async (t) => {
  t.test('applies the files in order, records each, and a re-run applies nothing', async (t) => {
    const database = await createTestDatabase(t, { migrated: false })
    t.same(await migrate(database, ok), ['0001_people.sql', '0002_pets.sql'])
    t.same(await recorded(database), ['0001_people.sql', '0002_pets.sql'])
    t.same(await migrate(database, ok), [])
    const people = await database.withSession(async (s) => await s.query('SELECT name FROM people'))
    t.same(people, [{ name: 'first' }], 'the re-run did not execute 0002 again')
  })

  t.test('a failing file stops with its name and the database error, and leaves nothing of itself', async (t) => {
    const database = await createTestDatabase(t, { migrated: false })
    const error = await migrate(database, broken).catch((e: unknown) => e)
    t.ok(error instanceof MigrationError)
    t.match((error as Error).message, /^0002_half\.sql failed: .*no_such_table/)
    t.same(await recorded(database), ['0001_people.sql'], 'the file before it stays applied')
    t.notOk((await tables(database)).includes('half_done'), 'the failed file was rolled back whole')
  })

  t.test('a file edited after it was applied stops start-up', async (t) => {
    const dir = t.testdir()
    await cp(ok, dir, { recursive: true })
    const database = await createTestDatabase(t, { migrated: false })
    await migrate(database, dir)
    await writeFile(join(dir, '0002_pets.sql'), 'CREATE TABLE pets (id integer);\n')
    await t.rejects(migrate(database, dir), /0002_pets\.sql: changed after it was applied/)
  })

  t.test('a file that is not named NNNN_name.sql is refused', async (t) => {
    const dir = t.testdir({ 'add-people.sql': 'SELECT 1;' })
    const database = await createTestDatabase(t, { migrated: false })
    await t.rejects(migrate(database, dir), /add-people\.sql: migration files are named NNNN_name\.sql/)
  })

  t.test('two concurrent migrators apply each file exactly once', async (t) => {
    let first: Database
    let second: Database
    if (SERVER_URL !== undefined) {
      // Two processes' worth of pools on one PostgreSQL database.
      const url = await createServerDatabase(t)
      first = await openDatabase({ databaseUrl: url })
      second = await openDatabase({ databaseUrl: url })
      t.teardown(async () => { await first.close(); await second.close() })
    } else {
      first = second = await createTestDatabase(t, { migrated: false })
    }
    const [a, b] = await Promise.all([migrate(first, ok), migrate(second, ok)])
    t.same([...a, ...b].sort(), ['0001_people.sql', '0002_pets.sql'], 'each file applied by exactly one migrator')
    t.same(await recorded(first), ['0001_people.sql', '0002_pets.sql'])
  })
})
