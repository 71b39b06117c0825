import { connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { ConfigError, loadConfig } from '../../src/config.js'
import { buildTestApp } from '../helper.js'

/**
 * The HTTP server's own limits, over real sockets: a client that sends its
 * request head byte by byte is cut off after HEADERS_TIMEOUT_MS, a head
 * beyond MAX_HEADER_SIZE is a 431, an idle keep-alive connection is closed
 * after KEEP_ALIVE_TIMEOUT_MS. The first two answer a problem document and close.
 */

const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 1000, keepAliveTimeoutMs: 300, maxHeaderSize: 4096 }

/** A raw connection: what the server wrote, and when it closed. */
async function open (port: number): Promise<{ socket: Socket, received: () => string, closed: Promise<number> }> {
  const socket = connect({ port, host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve).once('error', reject) })
  let text = ''
  socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1') })
  socket.on('error', () => {})
  const closed = new Promise<number>((resolve) => socket.once('close', () => { resolve(Date.now()) }))
  return { socket, received: () => text, closed }
}

/** The problem document of a raw answer. */
const problemOf = (answer: string): unknown => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))

t.test('server limits over real sockets', async (t) => {
  const app = await buildTestApp(t, { config: LIMITS })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  t.test('a client sending its head byte by byte is cut off with a 408 once the headers timeout passes', async (t) => {
    const { socket, received, closed } = await open(port)
    const start = Date.now()
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n')
    let writing = true
    closed.then(() => { writing = false }, () => {})
    for (const byte of 'X-Slow: ' + 'a'.repeat(60)) {
      if (!writing) break
      socket.write(byte)
      await sleep(50)
    }
    const at = await Promise.race([closed, sleep(5000).then(() => 0)])
    t.not(at, 0, 'the server closed the connection')
    t.ok(at - start >= LIMITS.headersTimeoutMs, `not before the timeout (${at - start} ms)`)
    t.ok(at - start < 60 * 50, 'before the slow client finished its head')
    t.match(received(), /^HTTP\/1\.1 408 /, 'a 408 before the close')
    t.match(problemOf(received()), { type: 'urn:ffb-api:problem:request-timeout', status: 408 })
    socket.destroy()
  })

  t.test('a request head beyond MAX_HEADER_SIZE is a 431', async (t) => {
    const { socket, received, closed } = await open(port)
    socket.write(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(LIMITS.maxHeaderSize)}\r\n\r\n`)
    await Promise.race([closed, sleep(3000)])
    t.match(received(), /^HTTP\/1\.1 431 /)
    t.match(received(), /content-type: application\/problem\+json/i)
    t.match(problemOf(received()), { type: 'urn:ffb-api:problem:header-fields-too-large', status: 431, detail: /4096 bytes/ })
    socket.destroy()
  })

  t.test('bytes that are not HTTP get a 400 problem document and the connection closed', async (t) => {
    const { socket, received, closed } = await open(port)
    socket.write('HELLO THERE\r\n\r\n')
    await Promise.race([closed, sleep(3000)])
    t.match(received(), /^HTTP\/1\.1 400 /)
    t.match(problemOf(received()), { type: 'urn:ffb-api:problem:malformed-request', status: 400 })
    socket.destroy()
  })

  t.test('a head within the limit is served, and the idle connection closed after the keep-alive timeout', async (t) => {
    const { socket, received, closed } = await open(port)
    socket.write(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Fits: ${'c'.repeat(LIMITS.maxHeaderSize / 2)}\r\n\r\n`)
    for (let i = 0; i < 50 && !received().includes('\r\n\r\n'); i++) await sleep(20)
    const answered = Date.now()
    t.match(received(), /^HTTP\/1\.1 200 /)
    t.match(received(), /keep-alive/i)
    const at = await Promise.race([closed, sleep(5000).then(() => 0)])
    t.not(at, 0, 'the server closed the idle connection')
    t.ok(at - answered >= LIMITS.keepAliveTimeoutMs - 50, `after the keep-alive timeout (${at - answered} ms)`)
    socket.destroy()
  })
})

t.test('the timeouts come from the environment, with defaults', async (t) => {
  const defaults = loadConfig({})
  t.match(defaults, { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 72_000, connectionTimeoutMs: 120_000, maxHeaderSize: 16_384 })
  t.match(loadConfig({ HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '5000', MAX_HEADER_SIZE: '8192' }), { headersTimeoutMs: 2000, requestTimeoutMs: 5000, maxHeaderSize: 8192 })
  t.throws(() => loadConfig({ HEADERS_TIMEOUT_MS: '40000' }), new ConfigError('HEADERS_TIMEOUT_MS', 'must not be above REQUEST_TIMEOUT_MS (30000), got "40000"'))
  t.throws(() => loadConfig({ KEEP_ALIVE_TIMEOUT_MS: 'soon' }), ConfigError)
})
