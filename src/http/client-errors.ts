import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { PROBLEM_MEDIA_TYPE, PROBLEMS, problemType, type ProblemCode } from './problems.js'

/**
 * What the server answers a connection it cut off before there was a
 * request to route — a head not complete within HEADERS_TIMEOUT_MS (408), a
 * head beyond MAX_HEADER_SIZE (431), bytes that are not HTTP (400) — as the
 * same problem document as every other error (fastify's default is plain
 * JSON of another shape), and the connection is closed.
 */
export function clientErrorHandler (limits: { headersTimeoutMs: number, maxHeaderSize: number }): NonNullable<FastifyServerOptions['clientErrorHandler']> {
  return function (this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
    if (error.code === 'ECONNRESET' || socket.destroyed) return
    const [code, detail]: [ProblemCode, string] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['request-timeout', `The request was not complete within ${limits.headersTimeoutMs} ms (the head) or the request timeout`]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? ['header-fields-too-large', `The request line and headers exceed ${limits.maxHeaderSize} bytes`]
        : ['malformed-request', 'The request is not valid HTTP']
    const { status, title } = PROBLEMS[code]
    const body = JSON.stringify({ type: problemType(code), title, status, detail })
    this.log.debug({ err: error, status }, 'client error')
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`)
    }
    socket.destroy(error)
  }
}
