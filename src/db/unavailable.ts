/**
 * Whether an error means "the database cannot be reached right now" (as
 * opposed to a bad query): the API answers those with 503 and Retry-After.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'])
// SQLSTATE class 08 (connection exception) and 57P01–57P03 (server shutting
// down or not yet accepting connections).
const SQLSTATE = /^(08\w{3}|57P0[123])$/
const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'the database system is starting up'
]

export function isDatabaseUnavailable (error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, message } = error as { code?: unknown, message?: unknown }
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true
  return typeof message === 'string' && MESSAGES.some((text) => message.includes(text))
}
