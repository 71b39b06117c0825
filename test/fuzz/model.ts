import { parseArgs } from 'node:util'
import type { Test } from 'tap'
import { createTestDatabase } from '../helper.js'
import { fuzzModel } from '../support/model-run.js'

/**
 * `npm run fuzz:model -- --steps N [--seed S] [--commands C] [--minutes M]`: model-based
 * fuzzing over real HTTP (test/support/model-*.ts) for as many steps as asked,
 * on PostgreSQL with DATABASE_URL (a throwaway database, dropped afterwards),
 * else on an in-memory PGlite. Runs in rounds of RUNS sequences, round i
 * with seed S + i, until N steps ran (or no round starts after M minutes); prints the steps run, each round's seed, and a failure
 * with its shrunk sequence. `--seed S --steps 1` replays round S alone.
 */

const { values } = parseArgs({
  options: { steps: { type: 'string', default: '1000' }, seed: { type: 'string' }, commands: { type: 'string', default: '60' }, minutes: { type: 'string' } }
})
const wanted = Number(values.steps)
let deadline = values.minutes === undefined ? Infinity : Date.now() + Number(values.minutes) * 60_000
// Ctrl-C or SIGTERM: finish the round, then drop the throwaway database.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { deadline = 0 })
const maxCommands = Number(values.commands)
const firstSeed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
const RUNS = 25

const teardowns: Array<() => Promise<void> | void> = []
// createTestDatabase drops its database in a tap teardown; here, at the end.
const owner = { teardown: (fn: () => Promise<void> | void) => { teardowns.push(fn) } } as unknown as Test
const started = Date.now()
let steps = 0
let runs = 0
let failures = 0
const byCommand: Record<string, number> = {}
try {
  for (let round = 0; steps < wanted && Date.now() < deadline; round++) {
    const seed = firstSeed + round
    const result = await fuzzModel({ database: await createTestDatabase(owner), numRuns: RUNS, maxCommands, seed })
    // Each round's database goes when the round ends.
    for (const fn of teardowns.splice(0).reverse()) await fn()
    steps += result.steps
    runs += result.runs
    for (const [name, n] of Object.entries(result.byCommand)) byCommand[name] = (byCommand[name] ?? 0) + n
    process.stdout.write(`round ${round}: seed ${seed}, ${result.runs} sequences, ${result.steps} steps (${steps} in all, ${Math.round((Date.now() - started) / 1000)} s)\n`)
    if (result.failure !== undefined) {
      failures++
      process.stdout.write(`FAILURE with seed ${seed} (replay: npm run fuzz:model -- --steps 1 --seed ${seed} --commands ${maxCommands})\n` +
        `  ${result.failure.error}\n  shrunk sequence: ${result.failure.sequence}\n`)
      break
    }
  }
} finally {
  for (const fn of teardowns.splice(0).reverse()) await fn()
}
process.stdout.write(`${steps} steps in ${runs} sequences, ${failures} failure(s), first seed ${firstSeed}, ` +
  `${process.env.DATABASE_URL === undefined ? 'PGlite' : 'PostgreSQL'}, ${Math.round((Date.now() - started) / 1000)} s\n`)
process.stdout.write(`by command: ${Object.entries(byCommand).sort(([, a], [, b]) => b - a).map(([name, n]) => `${name} ${n}`).join(', ')}\n`)
if (failures > 0) process.exitCode = 1
