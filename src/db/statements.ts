import pg from 'pg'

/**
 * A pg client that prepares the statements it runs, as pgx and asyncpg do:
 * the first run of a parameterized statement on a connection parses it
 * under a name, later runs only bind and execute it — PostgreSQL skips
 * parsing and planning, which is most of its work for our short writes.
 *
 * Only statements that run on their own (autocommit) are prepared: those
 * are the reads and the one-statement writes, where most of the time goes.
 * Inside a transaction, and without parameters (BEGIN, COMMIT, scripts),
 * statements run as before.
 *
 * Each connection keeps its STATEMENT_CACHE_SIZE most recently used
 * statements and deallocates the rest, so statements whose text varies
 * (an IN list of any length) cannot pile up in the server.
 *
 * A prepared statement whose result columns changed under it (a migration
 * by another instance added a column to a table it selects `*` from) fails
 * with "cached plan must not change result type" before doing anything: it
 * is deallocated and run once more, freshly prepared. Were it prepared
 * inside a transaction, the error would abort the transaction instead.
 */

export const STATEMENT_CACHE_SIZE = 100

/** The part of pg's Connection this relies on: what it has parsed under each name. */
interface ParsedStatements {
  parsedStatements: Record<string, string | undefined>
  submittedNamedStatements?: Record<string, string | undefined>
}

export class PreparingClient extends pg.Client {
  /** Statement text → name, least recently used first. */
  readonly #names = new Map<string, string>()
  #counter = 0
  /** The transaction status of the last ReadyForQuery: 'I' idle, 'T' in a transaction, 'E' in a failed one. */
  #status = 'I'

  constructor (config?: string | pg.ClientConfig) {
    super(config)
    this.connection.on('readyForQuery', (message: { status?: string }) => { this.#status = message.status ?? 'I' })
  }

  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument --
     pg's query() has a dozen overloads (callbacks, config objects, cursors): only a (text, values)
     call with values is changed, every other call passes through untouched. */
  override query (config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined || this.#status !== 'I') {
      return super.query(config, values, callback)
    }
    return this.#runPrepared(config, values)
  }
  /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument */

  async #runPrepared (text: string, values: unknown[]): Promise<pg.QueryResult> {
    try {
      return await super.query({ name: await this.#nameOf(text), text, values })
    } catch (error) {
      if (!isStalePlan(error)) throw error
      await this.#forget(text)
      return await super.query({ name: await this.#nameOf(text), text, values })
    }
  }

  async #nameOf (text: string): Promise<string> {
    let name = this.#names.get(text)
    if (name === undefined) {
      // Names are never reused on a connection, so one that could not be
      // deallocated (the connection broke) cannot clash.
      name = `ffb_${++this.#counter}`
      if (this.#names.size >= STATEMENT_CACHE_SIZE) await this.#forget(this.#names.keys().next().value as string)
    } else {
      this.#names.delete(text)
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
    const connection = this.connection as unknown as ParsedStatements
    Reflect.deleteProperty(connection.parsedStatements, name)
    if (connection.submittedNamedStatements !== undefined) Reflect.deleteProperty(connection.submittedNamedStatements, name)
    await super.query(`DEALLOCATE ${name}`).catch(() => {})
  }
}

/** The error of a prepared statement whose result columns changed since it was prepared. */
function isStalePlan (error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '0A000' &&
    String((error as { message?: unknown }).message).includes('cached plan must not change result type')
}
