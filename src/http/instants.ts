import { fieldProblem, type ValidationIssue } from './problems.js'

/**
 * Instants sent by clients. The schema checks the RFC 3339 shape; these
 * turn the text into a Date and apply the rules a shape cannot express.
 */

/** How far a registration may lie ahead of our clock: vendors' clocks drift. */
export const CLOCK_SKEW_MS = 2 * 60_000

const EARLIEST = Date.UTC(1900, 0, 1)
const LATEST = Date.UTC(10000, 0, 1)

/** Whether an instant is one this API stores: years 1900–9999 in UTC (PostgreSQL refuses year 0 and beyond 9999). */
export const storableInstant = (ms: number): boolean => ms >= EARLIEST && ms < LATEST

/** RFC 3339 allows what a Date cannot hold (leap seconds, odd offsets, year 0): a 400, not a 500. */
export function parseInstant (value: string, where: ValidationIssue['in'], pointer: string): Date {
  const date = new Date(value)
  if (!storableInstant(date.getTime())) {
    throw fieldProblem('validation', pointer, 'format',
      'is not an instant this API can use; send an RFC 3339 date-time from 1900 to 9999, such as 2026-01-01T09:00:00Z', where)
  }
  return date
}

/**
 * A registration timestamp: now when absent; an earlier instant is history
 * a vendor is migrating; a future one is refused.
 */
export function registrationInstant (value: string | undefined, pointer: string, now = new Date()): Date {
  if (value === undefined) return now
  const date = parseInstant(value, 'body', pointer)
  if (date.getTime() > now.getTime() + CLOCK_SKEW_MS) {
    throw fieldProblem('validation', pointer, 'future', `must not be in the future (it is ${date.toISOString()}, our clock says ${now.toISOString()})`)
  }
  return date
}
