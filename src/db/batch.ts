/**
 * Lets concurrent requests that make the same kind of write share one
 * statement. Each statement costs PostgreSQL an executor start-up, a commit
 * and its WAL flush, and costs node a query to build and a round trip;
 * under load these, more than the rows, are a short write's cost. `add`
 * queues an item; the items queued under one key during one turn of the
 * event loop (at most MAX_BATCH) go to one call of `run`, which returns one
 * result per item, in order. An item waits for others at most until the
 * event loop has handled the I/O that was ready with it.
 *
 * Every item gets the outcome it would have had alone. A statement is
 * atomic, so when a batch of several fails, none of it was written: each of
 * its items then runs again on its own, and only the one that causes the
 * failure fails — unless `retryAlone` says the failure is one every item
 * would meet (the database cannot be reached); then all of them get it.
 */

export const MAX_BATCH = 100

interface Waiting<I, R> {
  item: I
  resolve: (result: R) => void
  reject: (error: unknown) => void
}

export class Batcher<K, I, R> {
  readonly #run: (key: K, items: I[]) => Promise<R[]>
  readonly #retryAlone: (error: unknown) => boolean
  readonly #queues = new Map<K, Array<Waiting<I, R>>>()

  /** `run` must return exactly one result per item, in the items' order. */
  constructor (run: (key: K, items: I[]) => Promise<R[]>, { retryAlone = () => true }: { retryAlone?: (error: unknown) => boolean } = {}) {
    this.#run = run
    this.#retryAlone = retryAlone
  }

  async add (key: K, item: I): Promise<R> {
    return await new Promise<R>((resolve, reject) => {
      let queue = this.#queues.get(key)
      if (queue === undefined) {
        const started: Array<Waiting<I, R>> = []
        this.#queues.set(key, started)
        // After the I/O callbacks of this turn: every request read in it has queued its item.
        setImmediate(() => { this.#take(key, started) })
        queue = started
      }
      queue.push({ item, resolve, reject })
      if (queue.length >= MAX_BATCH) this.#take(key, queue)
    })
  }

  /** Runs `queue` unless it has already run (it filled up before its turn ended). */
  #take (key: K, queue: Array<Waiting<I, R>>): void {
    if (this.#queues.get(key) !== queue) return
    this.#queues.delete(key)
    this.#flush(key, queue)
  }

  #flush (key: K, batch: Array<Waiting<I, R>>): void {
    const items = batch.map((waiting) => waiting.item)
    // Also a `run` that throws before its first await fails its items, not the process.
    Promise.resolve().then(async () => await this.#run(key, items)).then((results) => {
      // Written, so never run again: a miscount is a bug in `run`, reported to every item.
      const miscount = results.length === batch.length ? undefined : new Error(`a batch of ${batch.length} items returned ${results.length} results`)
      batch.forEach((waiting, i) => { if (miscount === undefined) waiting.resolve(results[i]!); else waiting.reject(miscount) })
    }, (error: unknown) => {
      if (batch.length === 1 || !this.#retryAlone(error)) for (const waiting of batch) waiting.reject(error)
      else for (const waiting of batch) this.#flush(key, [waiting])
    })
  }
}
