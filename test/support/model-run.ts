import fc from 'fast-check'
import { dayInDenmark } from '../../src/catalogs/catalogs.js'
import type { Database } from '../../src/db/database.js'
import { emptyModel, type Model } from './model.js'
import { modelCommands, openCase, type Real } from './model-commands.js'
import { serve } from './model-http.js'

/**
 * Model-based fuzzing over real HTTP: fast-check draws sequences of
 * commands (model-commands.ts), runs each against the app listening on a
 * port of its own, and shrinks a failing sequence to a short one. One
 * server and database serve every run; each run opens its own cases, so
 * the model of a run only predicts its own.
 */

export interface FuzzOptions {
  database: Database
  /** Sequences to run, and their longest length. */
  numRuns: number
  maxCommands: number
  seed?: number
  /** Stop starting new sequences after this long (a failure found is still shrunk and reported). */
  timeLimitMs?: number
}

export interface FuzzResult {
  seed: number
  runs: number
  /** Commands run, shrinking included. */
  steps: number
  /** Commands run, by name. */
  byCommand: Record<string, number>
  /** The error of the shrunk sequence, and the sequence. */
  failure?: { error: string, sequence: string, path: string | null }
}

export async function fuzzModel ({ database, numRuns, maxCommands, seed, timeLimitMs }: FuzzOptions): Promise<FuzzResult> {
  const server = await serve(database)
  const counter = { steps: 0, runs: 0 }
  const byCommand: Record<string, number> = {}
  try {
    const property = fc.asyncProperty(openCase, fc.commands(modelCommands, { maxCommands, size: 'max' }), async (first, commands) => {
      counter.runs++
      const model: Model = emptyModel(dayInDenmark(new Date()))
      const real: Real = { app: server.app, api: server.api, runStart: new Date().toISOString(), steps: [] }
      // Every run opens a case first: most commands need one.
      const counted = [first, ...commands].map((command) => ({
        check: command.check.bind(command),
        run: async (m: Model, r: Real) => {
          counter.steps++
          const name = command.toString().split('(')[0]!
          byCommand[name] = (byCommand[name] ?? 0) + 1
          await command.run(m, r)
        },
        toString: () => command.toString()
      }))
      await fc.asyncModelRun(() => ({ model, real }), counted)
    })
    const details = await fc.check(property, { numRuns, ...(seed === undefined ? {} : { seed }), ...(timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: timeLimitMs }) })
    const failure = details.failed
      ? {
          error: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
          // fast-check's commands print those that ran, then the replay path.
          // eslint-disable-next-line @typescript-eslint/no-base-to-string
          sequence: details.counterexample === null ? '' : `${details.counterexample[0].toString()}, ${String(details.counterexample[1])}`,
          path: details.counterexamplePath
        }
      : undefined
    return { seed: details.seed, runs: counter.runs, steps: counter.steps, byCommand, ...(failure === undefined ? {} : { failure }) }
  } finally {
    await server.close()
  }
}
