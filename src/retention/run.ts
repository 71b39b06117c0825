import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { recordAudit, type AuditEvent } from '../audit/record.js'
import { groupBy } from '../db/rows.js'
import { runOperatorChange, type Executor } from '../db/unit-of-work.js'
import { anonymiseCases, newPseudonym, type Anonymised } from './anonymise.js'
import { dueCases, type DueCase } from './eligible.js'
import { listPolicies } from './policy.js'

/**
 * One retention run: the cases past retention on a day (eligible.ts), and
 * — unless it is a dry run — their anonymisation (anonymise.ts), one
 * transaction per citizen, each case's audit event in it; then one event
 * for the run. No event, and nothing the run prints, holds a CPR number:
 * cases are named by id.
 */

/** The client the run's audit events name: no API client makes them (the nil UUID). */
export const RETENTION_CLIENT_ID = '00000000-0000-0000-0000-000000000000'
/** The resource type of the run's own audit event; its resource id is the run's id. */
export const RETENTION_RUN_RESOURCE = 'retention-run'

export interface RunOptions {
  /** The day the periods are counted back from (YYYY-MM-DD). */
  asOf: string
  /** RETENTION_YEARS: the period of a municipality without its own. */
  defaultYears: number
  dryRun: boolean
}

export interface RunReport {
  runId: string
  /** The cases anonymised (or, in a dry run, due), in the order they were opened. */
  cases: Array<Omit<DueCase, 'cpr'>>
  /** Per municipality: the citizens and cases anonymised (or due). */
  perKommune: Map<string, { citizens: number, cases: number }>
  citizens: number
  /** Citizens due when the run started that were no longer due when their turn came (a case changed meanwhile). */
  skipped: number
}

export async function retentionRun (db: Executor, options: RunOptions): Promise<RunReport> {
  const runId = randomUUID()
  const due = await dueCases(db, options)
  const citizens = [...groupBy(due, (c) => c.cpr).values()]
  if (options.dryRun) return report(runId, citizens, 0)
  const done: DueCase[][] = []
  let completed = false
  let result: RunReport | undefined
  try {
    for (const cases of citizens) {
      const anonymised = await anonymiseCitizen(db, runId, options, cases)
      if (anonymised !== undefined) done.push(anonymised)
    }
    completed = true
  } finally {
    // The run is recorded also when it stopped part-way: what it did is committed.
    result = report(runId, done, citizens.length - done.length)
    await recordAudit(db, {
      clientId: RETENTION_CLIENT_ID,
      action: 'anonymise',
      resourceType: RETENTION_RUN_RESOURCE,
      resourceId: runId,
      requestId: runId,
      kommunekode: null,
      status: completed ? 200 : 500,
      details: {
        asOf: options.asOf,
        defaultYears: options.defaultYears,
        policies: Object.fromEntries((await listPolicies(db)).map((p) => [p.kommunekode, p.years])),
        citizens: result.citizens,
        cases: result.cases.length,
        perKommune: Object.fromEntries(result.perKommune),
        skipped: result.skipped,
        completed
      }
    })
  }
  return result
}

/**
 * One citizen's cases in one transaction: locked, checked again (a case
 * may have been reopened since the run started), anonymised with one new
 * pseudonym, each case's audit event written with it. Undefined when the
 * citizen is no longer due.
 */
async function anonymiseCitizen (db: Executor, runId: string, options: RunOptions, cases: DueCase[]): Promise<DueCase[] | undefined> {
  const cpr = cases[0]!.cpr
  return await runOperatorChange(db, async (trx) => {
    const locked = await trx.selectFrom('cases').select('id').where('cpr', '=', cpr).where('anonymised_at', 'is', null)
      .orderBy('id').forUpdate().execute()
    const still = await dueCases(trx, { ...options, cprs: [cpr] })
    const ids = still.map((c) => c.id).sort()
    // A case opened for the citizen since the run began is locked too, and keeps them all (it is not due).
    if (ids.length === 0 || ids.join() !== locked.map((c) => c.id).sort().join()) return { result: undefined, events: [] }
    const counts = await anonymiseCases(trx, { cpr, caseIds: ids }, newPseudonym())
    const events = still.map((c): AuditEvent => ({
      clientId: RETENTION_CLIENT_ID,
      action: 'anonymise',
      resourceType: 'case',
      resourceId: c.id,
      requestId: runId,
      kommunekode: c.kommunekode,
      status: 200,
      details: { run: runId, asOf: options.asOf, years: c.years, lastDay: c.lastDay, anonymised: counts.get(c.id) satisfies Anonymised | undefined }
    }))
    return { result: still, events }
  })
}

function report (runId: string, citizens: DueCase[][], skipped: number): RunReport {
  const perKommune = new Map<string, { citizens: number, cases: number }>()
  for (const cases of citizens) {
    for (const [kommunekode, own] of groupBy(cases, (c) => c.kommunekode)) {
      const entry = perKommune.get(kommunekode) ?? { citizens: 0, cases: 0 }
      perKommune.set(kommunekode, { citizens: entry.citizens + 1, cases: entry.cases + own.length })
    }
  }
  const cases = citizens.flat().map(({ id, kommunekode, years, lastDay }) => ({ id, kommunekode, years, lastDay }))
  return { runId, cases: cases.sort((a, b) => a.kommunekode.localeCompare(b.kommunekode)), perKommune: new Map([...perKommune].sort()), citizens: citizens.length, skipped }
}

/** Whether the database has anonymised anything yet (for `--list`). */
export async function anonymisedCount (db: Executor): Promise<number> {
  const { rows: [row] } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases WHERE anonymised_at IS NOT NULL`.execute(db)
  return row?.n ?? 0
}
