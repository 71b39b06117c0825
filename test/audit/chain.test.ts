import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { GENESIS, linkHash, sealPending, verifyChain } from '../../src/audit/chain.js'
import type { Database } from '../../src/db/database.js'
import { buildTestApp, createDiskDatabase, createTestClient, exited, spawnEntry } from '../helper.js'
import { aCase, aRegistration, type Headers } from '../support/factories.js'

/**
 * The audit trail's hash chain (issue 24, point 3): every audit row is
 * sealed in order, and an operator who edits, removes or slips in rows —
 * with the append-only trigger out of the way, as table rights allow — is
 * named by audit:verify at the link where it happened.
 */

/** Some audited traffic: cases, registrations, reads, a refused request. */
async function traffic (app: FastifyInstance, headers: Headers): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const made = await aCase(app, headers)
    await aRegistration(app, headers, made.location)
    await app.inject({ url: made.location, headers })
  }
  await app.inject({ url: '/v1/cases/00000000-0000-4000-8000-000000000000', headers })
}

/** What an operator with table rights can do: the trail's triggers off for one statement. */
async function asOperator (database: Database, statement: string): Promise<void> {
  await database.withSession(async (session) => {
    await session.exec(`BEGIN; SET LOCAL session_replication_role = replica; ${statement}; COMMIT`)
  })
}

const auditIds = async (app: FastifyInstance): Promise<number[]> =>
  (await app.database.db.selectFrom('audit_log').select('id').orderBy('id').execute()).map((row) => row.id)

t.test('every audit row is sealed once, in order, by the app shortly after it commits', async (t) => {
  const app = await buildTestApp(t, { config: { auditSealIntervalMs: 50 } })
  const { headers } = await createTestClient(app)
  await traffic(app, headers)
  // Concurrent writes: their rows commit in any order, and all of them are sealed.
  await Promise.all(Array.from({ length: 20 }, async () => await aCase(app, headers)))
  const ids = await auditIds(app)
  let links = 0
  for (let tries = 0; tries < 100 && links < ids.length; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    links = Number((await app.database.db.selectFrom('audit_chain').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  }
  t.equal(links, ids.length, 'one link per audit row, without anybody calling the sealer')
  const chain = await app.database.db.selectFrom('audit_chain').select(['seq', 'audit_id', 'hash']).orderBy('seq').execute()
  t.same(chain.map((link) => link.seq), ids.map((_, i) => i + 1), 'the links are numbered 1… without gaps')
  t.same([...chain.map((link) => link.audit_id)].sort((a, b) => a - b), ids, 'each audit row in exactly one link')

  const report = await verifyChain(app.database.db)
  t.same(report.breaks, [], 'the untouched trail verifies')
  t.equal(report.pending, 0)
  t.same(report.head, { seq: chain.at(-1)!.seq, hash: chain.at(-1)!.hash })

  // The first link is the genesis hash and the row's own text: anyone can recompute it.
  const first = await sql<{ content: string }>`SELECT json_build_array(id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    client_id, kommunekode, action, resource_type, resource_id, request_id, outcome, status, details)::text AS content
    FROM audit_log WHERE id = ${chain[0]!.audit_id}`.execute(app.database.db)
  t.equal(chain[0]!.hash, linkHash(GENESIS, first.rows[0]!.content))
})

t.test('verify names each kind of tampering at the link where it happened', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  await traffic(app, headers)
  await sealPending(app.database.db)
  const ids = await auditIds(app)
  const linkOf = async (auditId: number): Promise<number> =>
    (await app.database.db.selectFrom('audit_chain').select('seq').where('audit_id', '=', auditId).executeTakeFirstOrThrow()).seq
  const intact = await verifyChain(app.database.db)
  t.same(intact.breaks, [])
  const recordedHead = intact.head!

  await t.test('the links are append-only like the rows they seal', async (t) => {
    await t.rejects(app.database.db.updateTable('audit_chain').set({ hash: GENESIS }).execute(), /append-only: UPDATE/)
    await t.rejects(app.database.db.deleteFrom('audit_chain').execute(), /append-only: DELETE/)
    await t.rejects(app.database.withSession(async (s) => { await s.exec('TRUNCATE audit_chain') }), /append-only: TRUNCATE/)
  })

  await t.test('a changed row', async (t) => {
    await asOperator(app.database, `UPDATE audit_log SET client_id = '00000000-0000-4000-8000-000000000003' WHERE id = ${ids[2]}`)
    const report = await verifyChain(app.database.db)
    t.same(report.breaks.map((b) => [b.kind, b.seq, b.auditId]), [['changed', await linkOf(ids[2]!), ids[2]]])
    t.match(report.breaks[0]!.message, `audit row ${ids[2]} or its link was changed`)
  })

  await t.test('a removed row, a removed link, a row slipped in around the trigger', async (t) => {
    await asOperator(app.database, `DELETE FROM audit_log WHERE id = ${ids[4]}`)
    const removedLink = await linkOf(ids[6]!)
    await asOperator(app.database, `DELETE FROM audit_chain WHERE seq = ${removedLink}`)
    await asOperator(app.database, `INSERT INTO audit_log (client_id, action, resource_type, request_id, outcome, status)
      VALUES ('00000000-0000-4000-8000-000000000001', 'read', 'case', 'forged', 'success', 200)`)
    const report = await verifyChain(app.database.db)
    const forged = (await auditIds(app)).at(-1)
    t.same(report.breaks.map((b) => [b.kind, b.seq]), [
      ['changed', await linkOf(ids[2]!)],
      ['row-removed', await linkOf(ids[4]!)],
      ['links-removed', removedLink + 1],
      ['not-sealed', null],
      ['not-sealed', null]
    ], 'every break, in chain order, the first one first')
    t.match(report.breaks[2]!.message, `links ${removedLink}–${removedLink} are gone`)
    t.same(report.breaks.slice(3).map((b) => b.auditId), [ids[6], forged], 'the row whose link went, and the forged row')
  })

  await t.test('a chain cut short shows only against a head recorded earlier', async (t) => {
    const before = (await verifyChain(app.database.db)).breaks
    t.same((await verifyChain(app.database.db, { expect: recordedHead })).breaks, before, 'the head as recorded')
    // The newest link and its row gone together: the chain alone still looks as before.
    const last = await app.database.db.selectFrom('audit_chain').select(['seq', 'audit_id']).where('seq', '=', recordedHead.seq).executeTakeFirstOrThrow()
    await asOperator(app.database, `DELETE FROM audit_chain WHERE seq = ${last.seq}; DELETE FROM audit_log WHERE id = ${last.audit_id}`)
    t.same((await verifyChain(app.database.db)).breaks, before)
    const report = await verifyChain(app.database.db, { expect: recordedHead })
    t.same(report.breaks.at(-1), {
      seq: recordedHead.seq,
      auditId: null,
      kind: 'anchor',
      message: `link ${recordedHead.seq}, recorded earlier as the head, is gone: the chain was cut short or an older backup was restored`
    })
  })
})

t.test('npm run audit:verify: seals, prints the head, exits 1 naming the first broken link', async (t) => {
  const target = await createDiskDatabase(t)
  let database = await target.open()
  const app = await buildTestApp(t, { database })
  const { headers } = await createTestClient(app)
  await traffic(app, headers)
  await app.close()

  const ok = await exited(spawnEntry('src/cli/audit-verify.ts', target.env))
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stdout, /audit chain: \d+ links, 0 rows waiting to be sealed/)
  t.match(ok.stdout, 'intact')
  const head = /head: (\d+:[0-9a-f]{64})/.exec(ok.stdout)![1]!

  database = await target.open()
  const second = (await database.db.selectFrom('audit_chain').select('audit_id').where('seq', '=', 2).executeTakeFirstOrThrow()).audit_id
  await asOperator(database, `UPDATE audit_log SET client_id = '00000000-0000-4000-8000-000000000002' WHERE id = ${second}`)
  await database.close()

  const broken = await exited(spawnEntry('src/cli/audit-verify.ts', target.env, ['--expect', head, '--no-seal']))
  t.equal(broken.code, 1)
  t.match(broken.stdout, `BROKEN: 1 break; the first: link 2: audit row ${second} or its link was changed after it was sealed`)

  const bad = await exited(spawnEntry('src/cli/audit-verify.ts', target.env, ['--expect', 'yesterday']))
  t.equal(bad.code, 2)
  t.match(bad.stderr, '--expect takes the head')
})
