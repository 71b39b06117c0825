import { setImmediate as nextTurn } from 'node:timers/promises'
import t from 'tap'
import { Batcher, MAX_BATCH } from '../../src/db/batch.js'

/** A batcher whose `run` doubles numbers, records each batch, and fails a batch that holds a negative number. */
function doubler (): { batcher: Batcher<string, number, number>, runs: Array<[string, number[]]> } {
  const runs: Array<[string, number[]]> = []
  const batcher = new Batcher<string, number, number>(async (key, items) => {
    runs.push([key, items])
    await nextTurn()
    if (items.some((item) => item < 0)) throw new Error(`cannot double ${items.join(', ')}`)
    return items.map((item) => item * 2)
  })
  return { batcher, runs }
}

t.test('items added in one turn of the event loop run together, in order; each key on its own', async (t) => {
  const { batcher, runs } = doubler()
  const results = await Promise.all([batcher.add('a', 1), batcher.add('b', 10), batcher.add('a', 2), batcher.add('a', 3)])
  t.same(results, [2, 20, 4, 6])
  t.same(runs, [['a', [1, 2, 3]], ['b', [10]]])
})

t.test('an item added in a later turn runs in a later batch', async (t) => {
  const { batcher, runs } = doubler()
  const first = batcher.add('a', 1)
  await nextTurn()
  t.same(await Promise.all([first, batcher.add('a', 2)]), [2, 4])
  t.same(runs, [['a', [1]], ['a', [2]]])
})

t.test('when a batch fails, each item runs alone: only the item that causes the failure fails', async (t) => {
  const { batcher, runs } = doubler()
  const results = await Promise.allSettled([batcher.add('a', 1), batcher.add('a', -1), batcher.add('a', 3)])
  t.same(results.map((r) => r.status === 'fulfilled' ? r.value : (r.reason as Error).message), [2, 'cannot double -1', 6])
  t.same(runs, [['a', [1, -1, 3]], ['a', [1]], ['a', [-1]], ['a', [3]]])
})

t.test('a failure every item would meet is not retried item by item', async (t) => {
  let calls = 0
  const batcher = new Batcher<string, number, number>(async () => { calls++; throw new Error('unreachable') },
    { retryAlone: (error) => (error as Error).message !== 'unreachable' })
  const results = await Promise.allSettled([batcher.add('a', 1), batcher.add('a', 2)])
  t.same(results.map((r) => r.status === 'rejected' && (r.reason as Error).message), ['unreachable', 'unreachable'])
  t.equal(calls, 1)
})

t.test('a batch holds at most MAX_BATCH items', async (t) => {
  const { batcher, runs } = doubler()
  const items = Array.from({ length: MAX_BATCH * 2 + 1 }, (_, i) => i)
  t.same(await Promise.all(items.map(async (item) => await batcher.add('a', item))), items.map((item) => item * 2))
  t.same(runs.map(([, batch]) => batch.length), [MAX_BATCH, MAX_BATCH, 1])
})

t.test('a run that throws at once, or returns the wrong number of results, fails its items and is not run again', async (t) => {
  let calls = 0
  const throwing = new Batcher<string, number, number>((): Promise<number[]> => { calls++; throw new Error('at once') })
  t.same((await Promise.allSettled([throwing.add('a', 1)])).map((r) => r.status), ['rejected'])
  t.equal(calls, 1)

  calls = 0
  const miscounting = new Batcher<string, number, number>(async () => { calls++; return [1] })
  const results = await Promise.allSettled([miscounting.add('a', 1), miscounting.add('a', 2)])
  t.same(results.map((r) => r.status === 'rejected' && (r.reason as Error).message), ['a batch of 2 items returned 1 results', 'a batch of 2 items returned 1 results'])
  t.equal(calls, 1, 'what was written is not written again')
})
