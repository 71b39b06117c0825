import { parseArgs } from 'node:util'
import { dayInDenmark } from '../catalogs/catalogs.js'
import type { Executor } from '../db/unit-of-work.js'
import { listPolicies, MAX_YEARS, MIN_YEARS, setPolicy, unsetPolicy } from './policy.js'
import { anonymisedCount, retentionRun, type RunReport } from './run.js'

/**
 * `npm run retention -- …` (src/cli/retention.ts opens the database and
 * calls this; tests call it directly):
 *
 *   --dry-run              list what would be anonymised; change nothing
 *   (no option)            anonymise it, and record the run in the audit trail
 *   --as-of YYYY-MM-DD     count the periods back from this day instead of today (Danish time)
 *   --list                 each municipality's period, and the default
 *   --set 101=10           a municipality's period, in whole years (repeatable)
 *   --unset 101            back to the default (repeatable)
 *
 * What it prints names cases by id, never by CPR number. `retentionCommand`
 * returns the exit code: 0 done, 2 bad usage (errors from the database are
 * thrown).
 */
export const USAGE = `usage: npm run retention -- [--dry-run] [--as-of YYYY-MM-DD]
       npm run retention -- --list
       npm run retention -- --set <kommunekode>=<years> [--set …] [--unset <kommunekode> …]
Anonymises the cases past their municipality's retention period (README, "Retention"); --dry-run lists them and changes nothing.`

export interface CommandIo {
  db: Executor
  /** RETENTION_YEARS. */
  defaultYears: number
  out: (line: string) => void
  err: (line: string) => void
  /** "Today" when --as-of is not given. */
  now?: () => Date
}

class UsageError extends Error {}

const KOMMUNEKODE = /^0?([0-9]{3})$/

/** A kommunekode as the API writes it (three digits); the four-digit form with a leading 0 is accepted. */
function kommunekodeOf (text: string): string {
  const match = KOMMUNEKODE.exec(text.trim())
  if (match === null) throw new UsageError(`"${text}" is not a kommunekode (three digits, e.g. 101)`)
  return match[1]!
}

function periodOf (text: string): [string, number] {
  const [code, years, ...rest] = text.split('=')
  if (years === undefined || rest.length > 0 || !/^\d+$/.test(years.trim())) throw new UsageError(`--set takes <kommunekode>=<years>, e.g. 101=10; got "${text}"`)
  const n = Number(years)
  if (n < MIN_YEARS || n > MAX_YEARS) throw new UsageError(`a retention period is ${MIN_YEARS} to ${MAX_YEARS} whole years; got ${n}`)
  return [kommunekodeOf(code!), n]
}

function dayOf (text: string): string {
  const date = new Date(`${text}T00:00:00Z`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) {
    throw new UsageError(`--as-of takes a day, YYYY-MM-DD; got "${text}"`)
  }
  return text
}

/** What the arguments ask for, or the usage problem: checked before the database is opened. */
export interface Parsed {
  managing: boolean
  dryRun: boolean
  asOf: string
  set: Array<[string, number]>
  unset: string[]
}

export function parseRetention (argv: string[], now: Date = new Date()): Parsed | { usage: string } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean', default: false },
        'as-of': { type: 'string' },
        list: { type: 'boolean', default: false },
        set: { type: 'string', multiple: true, default: [] },
        unset: { type: 'string', multiple: true, default: [] }
      }
    })
    const managing = values.list || values.set.length > 0 || values.unset.length > 0
    if (managing && (values['dry-run'] || values['as-of'] !== undefined)) throw new UsageError('--list, --set and --unset manage the periods; run without them to anonymise')
    return {
      managing,
      dryRun: values['dry-run'],
      asOf: values['as-of'] === undefined ? dayInDenmark(now) : dayOf(values['as-of']),
      set: values.set.map(periodOf),
      unset: values.unset.map(kommunekodeOf)
    }
  } catch (error) {
    // parseArgs refuses an unknown option or a missing value with a TypeError.
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error
    return { usage: `${error.message}\n${USAGE}` }
  }
}

/** The whole command: the arguments checked (2 on bad usage), then run. */
export async function retentionCommand (argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseRetention(argv, (io.now ?? (() => new Date()))())
  if ('usage' in parsed) {
    io.err(parsed.usage)
    return 2
  }
  await runRetention(parsed, io)
  return 0
}

export async function runRetention (parsed: Parsed, io: CommandIo): Promise<void> {
  if (parsed.managing) {
    for (const [kommunekode, years] of parsed.set) {
      await setPolicy(io.db, kommunekode, years)
      io.out(`kommune ${kommunekode}: ${years} years`)
    }
    for (const kommunekode of parsed.unset) {
      io.out(await unsetPolicy(io.db, kommunekode) ? `kommune ${kommunekode}: back to the default` : `kommune ${kommunekode} had no period of its own`)
    }
    await printPolicies(io)
    io.out(`cases anonymised so far: ${await anonymisedCount(io.db)}`)
    return
  }
  io.out(`retention run as of ${parsed.asOf}${parsed.dryRun ? ' (dry run: nothing is changed)' : ''}`)
  await printPolicies(io)
  const report = await retentionRun(io.db, { asOf: parsed.asOf, defaultYears: io.defaultYears, dryRun: parsed.dryRun })
  printReport(io, report, parsed.dryRun)
}

async function printPolicies (io: CommandIo): Promise<void> {
  for (const policy of await listPolicies(io.db)) io.out(`period: kommune ${policy.kommunekode} ${policy.years} years (set ${policy.updatedAt.toISOString()})`)
  io.out(`period: every other municipality ${io.defaultYears} years (the default, RETENTION_YEARS)`)
}

function printReport (io: CommandIo, report: RunReport, dryRun: boolean): void {
  const verb = dryRun ? 'would anonymise' : 'anonymised'
  for (const c of report.cases) io.out(`${verb} case ${c.id}  kommune ${c.kommunekode}  last day ${c.lastDay}  period ${c.years} years`)
  for (const [kommunekode, n] of report.perKommune) io.out(`kommune ${kommunekode}: ${n.citizens} citizen(s), ${n.cases} case(s)`)
  io.out(`total: ${report.citizens} citizen(s), ${report.cases.length} case(s) ${verb}` +
    (report.skipped > 0 ? `; ${report.skipped} citizen(s) no longer due when their turn came, kept` : ''))
  if (!dryRun) io.out(`run ${report.runId} recorded in the audit trail (action anonymise)`)
}
