import { Readable, pipeline } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { createGzip } from 'node:zlib'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type from 'typebox'

/**
 * The NDJSON export streams: rows read in batches after a position (a
 * decoded cursor), each batch turned into lines, then a trailer line.
 */

/**
 * The documented 200 of a stream: its media type with the schema of one
 * line (a shared schema, so a generated client names it), and what NDJSON
 * means, as OpenAPI 3.1 has no item schema for a sequence of JSON values.
 */
export function ndjsonResponse (mediaType: string, lineSchemaId: string, lines: string): object {
  return {
    description: `Newline-delimited JSON (${mediaType}): not one JSON document but one JSON value per line, each matching ` +
      `the schema (${lines}). A stream without its trailer broke off: continue from the last line's cursor. ` +
      'Gzip-encoded when the request sends Accept-Encoding: gzip.',
    content: { [mediaType]: { schema: Type.Ref(lineSchemaId) } }
  }
}

/** How a stream went, for its audit entry. */
export interface StreamSummary {
  /** Lines sent before the trailer. */
  count: number
  /** Whether it ran to its end and sent the trailer (false: the client went away, or a batch failed). */
  complete: boolean
}

export interface NdjsonStream<Row, Position> {
  mediaType: string
  /** Where the stream starts: the position of a cursor, or before the first row. */
  start: Position
  /** At most `batchSize` rows after `after`, in the stream's order; fewer means they were the last. */
  batch: (after: Position) => Promise<Row[]>
  batchSize: number
  /** Where a row stands, to continue after it. */
  positionOf: (row: Row) => Position
  /** A batch's lines, each sent as one line of JSON: a row may give none. */
  lines: (rows: Row[]) => Promise<unknown[]>
  /** The last line, sent when every batch was: how many lines came before it, and the position after the last row. */
  trailer: (end: { count: number, after: Position }) => unknown
  /** Called once, when the stream ended or the client went away. */
  onEnd: (summary: StreamSummary) => Promise<void>
}

/**
 * Streams an export as NDJSON. The first batch is read before answering, so
 * a failing database is a 503, not a broken stream; each next batch only
 * when the client has taken the one before (backpressure: memory stays
 * flat). Gzip when the client accepts it. A client that goes away stops the
 * reading, and is no error.
 */
export async function streamNdjson<Row, Position> (request: FastifyRequest, reply: FastifyReply, stream: NdjsonStream<Row, Position>): Promise<FastifyReply> {
  const first = await stream.batch(stream.start)
  const summary: StreamSummary = { count: 0, complete: false }
  let ended = false
  const end = async (): Promise<void> => {
    if (ended) return
    ended = true
    await stream.onEnd(summary)
  }

  async function * chunks (): AsyncGenerator<string> {
    let rows = first
    let after = stream.start
    try {
      while (rows.length > 0) {
        let chunk = ''
        const lines = await stream.lines(rows)
        for (const line of lines) chunk += JSON.stringify(line) + '\n'
        summary.count += lines.length
        request.server.metrics.exportRows(request, lines.length)
        after = stream.positionOf(rows.at(-1)!)
        if (chunk !== '') yield chunk
        rows = rows.length < stream.batchSize ? [] : await stream.batch(after)
      }
      summary.complete = true
      yield JSON.stringify(stream.trailer({ count: summary.count, after })) + '\n'
    } finally {
      await end()
    }
  }

  const source = Readable.from(takingTurns(chunks()), { objectMode: false, highWaterMark: 64 * 1024 })
  // A client gone before the first chunk was read: the generator never ran, so its `finally` will not.
  source.once('close', () => { end().catch((error: unknown) => { request.log.error({ err: error }, 'the end of a stream failed') }) })
  reply.type(stream.mediaType).header('vary', 'accept-encoding')
  if (!/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return await reply.send(source)
  const gzip = createGzip()
  pipeline(source, gzip, () => {})
  return await reply.header('content-encoding', 'gzip').send(gzip)
}

const TURN_MS = 10

/**
 * Lets the event loop run at least every TURN_MS. The embedded database's
 * queries never wait for I/O, so without this a stream would run from
 * microtask to microtask until the socket's buffers were full: every other
 * request (and the client's own going away) waited for it.
 */
async function * takingTurns (lines: AsyncIterable<string>): AsyncGenerator<string> {
  let since = performance.now()
  for await (const line of lines) {
    yield line
    if (performance.now() - since > TURN_MS) {
      await nextTurn()
      since = performance.now()
    }
  }
}
