import pg from 'pg'

/**
 * A pg client that prepares the statements it runs, as pgx and asyncpg do:
 * the first run of a parameterized statement on a connection parses it
 * under a name, later runs only bind and execute it — PostgreSQL skips
 * parsing and planning, which is most of its work for our short writes.
 *
 * Each connection keeps its STATEMENT_CACHE_SIZE most recently used
 * statements and deallocates the rest, so statements whose text varies
 * (an IN list of any length) cannot pile up in the server. Statements
 * without parameters (BEGIN, COMMIT, scripts) run as before.
 *
 * A prepared statement whose result columns changed under it (a migration
 * added a column to a table it selects `*` from) fails with "cached plan
 * must not change result type": it is deallocated and, when it ran on its
 * own rather than inside a transaction, run once more, freshly prepared.
 * Inside a transaction the error stands (the transaction is aborted) and
 * the request can be retried (`isStalePlan`).
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
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0 || callback !== undefined) {
      return super.query(config, values, callback)
    }
    return this.#runPrepared(config, values)
  }
  /* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument */

  async #runPrepared (text: string, values: unknown[]): Promise<pg.QueryResult> {
    const standalone = this.#status === 'I'
    try {
      return await super.query({ name: await this.#nameOf(text), text, values })
    } catch (error) {
      if (!isStalePlan(error)) throw error
      await this.#forget(text)
      if (!standalone) throw error
      return await super.query({ name: await this.#nameOf(text), text, values })
    }
  }

  async #nameOf (text: string): Promise<string> {
    let name = this.#names.get(text)
    if (name === undefined) {
      // Names are never reused on a connection, so one that could not be
      // deallocated (inside a failed transaction) cannot clash.
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
   * no longer queue queries. A failure (a broken connection, a failed
   * transaction) leaves at most an unused statement in that session.
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
export function isStalePlan (error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '0A000' &&
    String((error as { message?: unknown }).message).includes('cached plan must not change result type')
}
