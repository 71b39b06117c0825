import type { Selectable } from 'kysely'
import type { AnnulledColumns } from '../db/schema.js'
import { HttpProblem } from '../http/problems.js'
import { ANNULMENT_REASONS, type AnnulmentMarker, type AnnulmentReason } from './schemas.js'

/** An annulled row's marks as a stored row carries them. */
type Marks = Selectable<AnnulledColumns>

const isReason = (code: string | null): code is AnnulmentReason => code !== null && code in ANNULMENT_REASONS

/** The `annulment` marker of a record's answer: present only when it was annulled. */
export function annulmentOf (row: Marks): { annulment?: AnnulmentMarker } {
  if (row.annulled_at === null || !isReason(row.annulled_reason)) return {}
  return { annulment: { annulledAt: row.annulled_at.toISOString(), reason: row.annulled_reason, comment: row.annulled_comment } }
}

/** A change to an annulled record is refused: it stays as it was when it was annulled. */
export function refuseAnnulled (row: Marks, what: string): void {
  if (row.annulled_at === null) return
  throw new HttpProblem('conflict', `The ${what} was annulled at ${row.annulled_at.toISOString()} (${row.annulled_reason ?? ''}); ` +
    'an annulled record cannot change')
}
