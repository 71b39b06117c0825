import t from 'tap'
import { createTestDatabase } from '../helper.js'
import { fuzzModel } from '../support/model-run.js'

/**
 * Model-based fuzzing over real HTTP (test/support/model-*.ts): sequences of
 * VUM operations against a listening server, checked after every step
 * against the model. As many steps as fit in 10 s here (about a hundred on an
 * idle machine); `npm run fuzz:model -- --steps N`
 * for long runs. MODEL_FUZZ_SEED=n replays a seed.
 */

t.test('sequences of operations keep the uddata equal to the model, the deltas complete and one audit row per write', async (t) => {
  const seed = process.env.MODEL_FUZZ_SEED === undefined ? undefined : Number(process.env.MODEL_FUZZ_SEED)
  // Up to 40 sequences of up to 12 commands, no new one after 10 s: about a hundred steps on an idle machine
  // (about 10 a second on either engine), fewer on a busy one. Long runs: npm run fuzz:model.
  const result = await fuzzModel({ database: await createTestDatabase(t), numRuns: 40, maxCommands: 12, seed, timeLimitMs: 10_000 })
  t.ok(result.steps >= 20, `${result.steps} steps in ${result.runs} runs (seed ${result.seed})`)
  if (result.failure !== undefined) {
    t.fail(`seed ${result.seed}, path ${result.failure.path}: ${result.failure.error}\nshrunk: ${result.failure.sequence}`)
  }
})
