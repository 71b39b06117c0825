import pg from 'pg'

/**
 * A pg client that prepares the statements it runs, as pgx and asyncpg do:
 * the first run of a parameterized statement on a connection parses it
 * under a name, later runs only bind and execute it — PostgreSQL skips
 * parsing and planning, which is most of its work for our short writes.
 * It uses only pg's public API: named queries ({ name, text, values }) and
 * `getTransactionStatus()`.
 *
 * Only statements that run on their own (autocommit) are prepared: those
 * are the reads and the one-statement writes, where most of the time goes.
 * Inside a transaction, and without parameters (BEGIN, COMMIT, scripts),
 * statements run as before.
 *
 * Each connection keeps its STATEMENT_CACHE_SIZE most recently used
 * statements and deallocates the rest, so statements whose text varies
 * (an IN list of any length) cannot pile up in the server. pg remembers
 * every name it has parsed for the life of the connection and has no way
 * to forget one, so names are never reused, and a connection prepares at
 * most NAMES_PER_CONNECTION statements: new texts beyond that run unnamed.
 *
 * A prepared statement whose result columns changed under it (a migration
 * by another instance added a column to a table it selects `*` from) fails
 * with "cached plan must not change result type" before doing anything: it
 * is deallocated and run once more under a fresh name. Were it prepared
 * inside a transaction, the error would abort the transaction instead.
 */

export const STATEMENT_CACHE_SIZE = 100
export const NAMES_PER_CONNECTION = 10 * STATEMENT_CACHE_SIZE

export class PreparingClient extends pg.Client {
  /** Statement text → name, least recently used first. */
  readonly #names = new Map<string, string>()
  #issued = 0

  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument --
     pg's query() has a dozen overloads (callbacks, config objects, cursors): only a (text, values)
     call with values outside a transaction is changed, every other call passes through untouched. */
  override query (config: any, values?: any, callback?: any): any {
    const idle = (this.getTransactionStatus() ?? 'I') === 'I'
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined || !idle) {
      return super.query(config, values, callback)
    }
    return this.#runPrepared(config, values)
  }
  /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument */

  async #runPrepared (text: string, values: unknown[]): Promise<pg.QueryResult> {
    const run = async (): Promise<pg.QueryResult> => {
      const name = await this.#nameOf(text)
      return await super.query(name === undefined ? { text, values } : { name, text, values })
    }
    try {
      return await run()
    } catch (error) {
      if (!isStalePlan(error)) throw error
      await this.#forget(text)
      return await run()
    }
  }

  /** The statement's name, preparing it under a new one if it has none; undefined once the connection's names are used up. */
  async #nameOf (text: string): Promise<string | undefined> {
    let name = this.#names.get(text)
    if (name !== undefined) {
      this.#names.delete(text)
    } else if (this.#issued < NAMES_PER_CONNECTION) {
      name = `ffb_${++this.#issued}`
      if (this.#names.size >= STATEMENT_CACHE_SIZE) await this.#forget(this.#names.keys().next().value as string)
    } else {
      return undefined
    }
    this.#names.set(text, name)
    return name
  }

  /**
   * Deallocates a statement. Awaited before the next query, since pg 9 will
   * no longer queue queries. A failure (a broken connection) leaves at
   * most an unused statement in that session.
   */
  async #forget (text: string): Promise<void> {
    const name = this.#names.get(text)
    if (name === undefined) return
    this.#names.delete(text)
    await super.query(`DEALLOCATE ${name}`).catch(() => {})
  }
}

/** The error of a prepared statement whose result columns changed since it was prepared. */
function isStalePlan (error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '0A000' &&
    String((error as { message?: unknown }).message).includes('cached plan must not change result type')
}
