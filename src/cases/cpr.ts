import Type from 'typebox'
import { fieldProblem } from '../http/problems.js'

/**
 * CPR numbers: DDMMYYXXXX or DDMMYY-XXXX in, always 10 digits without the
 * hyphen out and in the database. The date part must be a real date in the
 * century the 7th digit gives (CPR-kontoret's rule). No modulus-11 check:
 * numbers issued since 2007 may fail it.
 */

export const Cpr = Type.String({
  pattern: '^[0-9]{6}-?[0-9]{4}$',
  description: 'CPR number, DDMMYYXXXX or DDMMYY-XXXX; stored and returned without the hyphen. The date part must be a real date.',
  examples: ['0101904321']
})

/** The birth date a CPR number encodes (YYYY-MM-DD), or undefined when there is no such day. */
export function cprBirthDate (cpr: string): string | undefined {
  const digits = cpr.replace('-', '')
  if (!/^\d{10}$/.test(digits)) return undefined
  const day = Number(digits.slice(0, 2))
  const month = Number(digits.slice(2, 4))
  const yy = Number(digits.slice(4, 6))
  const year = century(Number(digits[6]), yy) + yy
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  return date.toISOString().slice(0, 10)
}

function century (seventh: number, yy: number): number {
  if (seventh <= 3) return 1900
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 : 1900
  return yy <= 57 ? 2000 : 1800
}

/** A CPR number as stored: without hyphen; a 400 problem at `pointer` when its date part is no real date. */
export function normalizeCpr (cpr: string, pointer = '/cpr'): string {
  if (cprBirthDate(cpr) === undefined) {
    throw fieldProblem('validation', pointer, 'cpr', 'is not a CPR number: its first six digits (DDMMYY) are not a real date')
  }
  return cpr.replace('-', '')
}
