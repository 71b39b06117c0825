import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.js'

/**
 * Tamper evidence for the audit trail. Every audit row is sealed into a hash
 * chain (migration 0016): link n holds SHA-256 of link n-1's hash and the
 * row's canonical text. A row changed, removed or slipped in after sealing,
 * or a removed link, breaks the chain where it happened, and `verifyChain`
 * names that link.
 *
 * Sealing is not part of a write: a trigger queues each new audit row in
 * `audit_pending` in the writing transaction, and `sealPending` — run by
 * every API process every second or so, and by `npm run audit:verify` —
 * seals what is queued, in id order, under a transaction-level advisory
 * lock, so processes take turns and the chain has one order. A write
 * therefore pays one small insert, not a wait for a global lock.
 *
 * What a chain cannot show by itself: links cut off at its end, together
 * with their rows (or a restore of an older backup). Against that, keep the
 * head `verifyChain` reports (seq and hash) somewhere else and check it
 * later with `expect`.
 */

/** The chain's start: the "previous hash" of link 1. */
export const GENESIS = '0'.repeat(64)

// An arbitrary constant naming "the sealing lock" among advisory locks (the migration lock is another).
const SEAL_LOCK = '4727390712734512'
const BATCH = 2000

/**
 * An audit row as the text its link hashes: its columns in table order, the
 * instant in UTC to the microsecond. Built by the database, so it reads the
 * same on both engines and after a dump and restore. Its queries name
 * audit_log `a`.
 */
const canonical = sql<string>`json_build_array(a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  a.client_id, a.kommunekode, a.action, a.resource_type, a.resource_id, a.request_id, a.outcome, a.status, a.details)::text`

export const linkHash = (previous: string, content: string): string =>
  createHash('sha256').update(previous).update('\n').update(content).digest('hex')

/**
 * Seals every queued audit row, oldest first, and returns how many it
 * sealed. It waits for the sealing lock, so everything committed before the
 * call is sealed when it returns; with `wait: false` (the background
 * sealer) it returns 0 at once when another process holds the lock.
 */
export async function sealPending (db: Kysely<DB>, { wait = true } = {}): Promise<number> {
  let total = 0
  for (;;) {
    const sealed = await db.transaction().execute(async (trx) => {
      const { rows: [lock] } = wait
        ? await sql<{ locked: boolean }>`SELECT true AS locked FROM pg_advisory_xact_lock(${SEAL_LOCK}::bigint)`.execute(trx)
        : await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK}::bigint) AS locked`.execute(trx)
      if (lock?.locked !== true) return 0
      const rows = await trx.selectFrom('audit_pending as p').innerJoin('audit_log as a', 'a.id', 'p.audit_id')
        .select(['p.audit_id', canonical.as('content')])
        .orderBy('p.audit_id').limit(BATCH).execute()
      if (rows.length === 0) return 0
      const head = await chainHead(trx)
      let seq = head?.seq ?? 0
      let previous = head?.hash ?? GENESIS
      const links = rows.map((row) => {
        previous = linkHash(previous, row.content)
        seq += 1
        return { seq, audit_id: row.audit_id, hash: previous }
      })
      await trx.insertInto('audit_chain').values(links).execute()
      await trx.deleteFrom('audit_pending').where('audit_id', 'in', links.map((link) => link.audit_id)).execute()
      return links.length
    })
    total += sealed
    if (sealed < BATCH) return total
  }
}

/** The chain's last link, or null before the first. */
export async function chainHead (db: Kysely<DB>): Promise<{ seq: number, hash: string } | null> {
  return await db.selectFrom('audit_chain').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst() ?? null
}

export interface ChainBreak {
  /** The link where the chain breaks; null for an audit row that has no link at all. */
  seq: number | null
  auditId: number | null
  kind: 'changed' | 'row-removed' | 'links-removed' | 'not-sealed' | 'anchor'
  message: string
}

export interface ChainReport {
  links: number
  /** The last link: keep it outside the database to check later with `expect`. */
  head: { seq: number, hash: string } | null
  /** Audit rows committed and queued, not yet sealed. */
  pending: number
  /** Every break found, in chain order; the first is where the trail stops being trustworthy. */
  breaks: ChainBreak[]
}

/**
 * Recomputes the whole chain. `expect` is a head recorded earlier: that
 * link must still be there with that hash (a chain cut short, or a restore
 * of an older backup, fails it).
 */
export async function verifyChain (db: Kysely<DB>, { expect }: { expect?: { seq: number, hash: string } } = {}): Promise<ChainReport> {
  const breaks: ChainBreak[] = []
  let links = 0
  let expected = 1
  let previous = GENESIS
  let head: ChainReport['head'] = null
  for (let after = 0; ;) {
    const page = await db.selectFrom('audit_chain as c').leftJoin('audit_log as a', 'a.id', 'c.audit_id')
      .select(['c.seq', 'c.audit_id', 'c.hash', 'a.id as row_id', canonical.as('content')])
      .where('c.seq', '>', after).orderBy('c.seq').limit(BATCH).execute()
    for (const link of page) {
      links += 1
      const gap = link.seq !== expected
      if (gap) {
        breaks.push({
          seq: link.seq,
          auditId: link.audit_id,
          kind: 'links-removed',
          message: `links ${expected}–${link.seq - 1} are gone: the chain jumps from link ${expected - 1} to link ${link.seq}`
        })
      }
      if (link.row_id === null) {
        breaks.push({ seq: link.seq, auditId: link.audit_id, kind: 'row-removed', message: `link ${link.seq}: audit row ${link.audit_id} was removed after it was sealed` })
      } else if (!gap && linkHash(previous, link.content) !== link.hash) {
        breaks.push({ seq: link.seq, auditId: link.audit_id, kind: 'changed', message: `link ${link.seq}: audit row ${link.audit_id} or its link was changed after it was sealed` })
      }
      previous = link.hash
      expected = link.seq + 1
      head = { seq: link.seq, hash: link.hash }
    }
    if (page.length < BATCH) break
    after = page.at(-1)!.seq
  }

  // Rows that never entered the chain: inserted with the queueing trigger disabled, or queued and then removed.
  const unsealed = await db.selectFrom('audit_log as a').select('a.id')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audit_chain as c').select('c.seq').whereRef('c.audit_id', '=', 'a.id'))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('audit_pending as p').select('p.audit_id').whereRef('p.audit_id', '=', 'a.id'))))
    .orderBy('a.id').execute()
  for (const row of unsealed) {
    breaks.push({ seq: null, auditId: row.id, kind: 'not-sealed', message: `audit row ${row.id} is in no link and was never queued for sealing: it was inserted around the trail's trigger` })
  }
  const queued = await db.selectFrom('audit_pending as p').leftJoin('audit_log as a', 'a.id', 'p.audit_id')
    .select(['p.audit_id', 'a.id as row_id']).orderBy('p.audit_id').execute()
  for (const row of queued.filter((entry) => entry.row_id === null)) {
    breaks.push({ seq: null, auditId: row.audit_id, kind: 'row-removed', message: `audit row ${row.audit_id} was removed before it was sealed` })
  }

  if (expect !== undefined) {
    const anchored = await db.selectFrom('audit_chain').select('hash').where('seq', '=', expect.seq).executeTakeFirst()
    if (anchored?.hash !== expect.hash) {
      breaks.push({
        seq: expect.seq,
        auditId: null,
        kind: 'anchor',
        message: anchored === undefined
          ? `link ${expect.seq}, recorded earlier as the head, is gone: the chain was cut short or an older backup was restored`
          : `link ${expect.seq} no longer has the hash recorded for it: the chain was rebuilt`
      })
    }
  }
  return { links, head, pending: queued.length, breaks }
}

export interface Sealer {
  /** Stops the timer, waits for a running seal, and seals what is left. */
  stop: () => Promise<void>
}

/** Seals the queue every `intervalMs` in the background; one seal at a time. */
export function startSealer (db: Kysely<DB>, { intervalMs, onError }: { intervalMs: number, onError: (error: unknown) => void }): Sealer {
  let running: Promise<void> | undefined
  const seal = (): void => { running ??= sealPending(db, { wait: false }).then(() => {}, onError).finally(() => { running = undefined }) }
  const timer = setInterval(seal, intervalMs)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await running
      await sealPending(db).catch(onError)
    }
  }
}
