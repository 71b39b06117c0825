import { parseArgs } from 'node:util'
import { sealPending, verifyChain } from '../audit/chain.js'
import { loadConfig } from '../config.js'
import { openDatabase } from '../db/database.js'

/**
 * `npm run audit:verify [-- --expect <seq>:<hash>] [--no-seal]`: seals what is
 * queued (unless --no-seal, for a read-only check of a copy), recomputes the
 * audit trail's hash chain, prints its head and every break, the first one
 * first, and exits 1 when the trail is not intact (2 on bad arguments).
 */
const USAGE = 'usage: npm run audit:verify [-- --expect <seq>:<hash>] [--no-seal]'

function parse (): { seal: boolean, expect?: { seq: number, hash: string } } {
  const { values } = parseArgs({ options: { expect: { type: 'string' }, 'no-seal': { type: 'boolean' } } })
  if (values.expect === undefined) return { seal: values['no-seal'] !== true }
  const match = /^(\d+):([0-9a-f]{64})$/.exec(values.expect)
  if (match === null) throw new Error(`--expect takes the head audit:verify printed, <seq>:<64 hex digits>; got "${values.expect}"`)
  return { seal: values['no-seal'] !== true, expect: { seq: Number(match[1]), hash: match[2]! } }
}

/** The report is the command's output, not a log: plain lines on stdout (it holds no CPR number). */
const out = (line: string): void => { process.stdout.write(`${line}\n`) }

let options: ReturnType<typeof parse>
try {
  options = parse()
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`)
  process.exit(2)
}

const config = loadConfig()
const database = await openDatabase(config.databaseUrl === undefined ? { pgliteDir: config.pgliteDir } : { databaseUrl: config.databaseUrl })
try {
  const sealed = options.seal ? await sealPending(database.db) : 0
  const report = await verifyChain(database.db, { expect: options.expect })
  out(`audit chain: ${report.links} links${sealed > 0 ? ` (${sealed} sealed now)` : ''}, ${report.pending} rows waiting to be sealed`)
  if (report.head !== null) out(`head: ${report.head.seq}:${report.head.hash}  (keep it; check it later with --expect)`)
  if (report.breaks.length === 0) {
    out('intact: every audit row is sealed in order and unchanged')
  } else {
    out(`BROKEN: ${report.breaks.length} break${report.breaks.length === 1 ? '' : 's'}; the first: ${report.breaks[0]!.message}`)
    for (const found of report.breaks) out(`  - ${found.message}`)
    process.exitCode = 1
  }
} finally {
  await database.close()
}
