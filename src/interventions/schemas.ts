import Type from 'typebox'
import { LeverandoerInput } from '../decisions/schemas.js'
import { CodeRef, Day, FreeText, Instant } from '../http/fields.js'
import { VersionList } from '../versions/schemas.js'

/**
 * A social intervention over time: ydelser are added, their periods moved
 * and corrected, the intervention ends on a date or moves to another
 * provider. Every change sends If-Match with the ETag of what it changes.
 */

const Reason = FreeText('Why the record changes (e.g. "forlænget efter opfølgning", "fejlregistrering"); kept with the version')
const RegisteredAt = Type.Optional(Type.String({
  format: 'date-time',
  description: 'Datostempel for registrering af ydelsen; default now, never in the future. The code is checked against the catalog in force that day.'
}))

export const YdelseParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'The ydelse' }) })

export const YdelseCreate = Type.Object({
  code: CodeRef('YdelserCode'),
  startdato: Day('Expected start'),
  slutdato: Type.Optional(Day('Expected end; not before startdato')),
  registeredAt: RegisteredAt
}, {
  additionalProperties: false,
  examples: [{ code: '1a2daf63-0510-4bf3-8578-662d4300c965', startdato: '2023-08-01', registeredAt: '2023-07-20T09:00:00+02:00' }]
})

export const YdelsePatch = Type.Object({
  code: Type.Optional(CodeRef('YdelserCode', { description: 'A correction: the ydelse was recorded under the wrong code' })),
  startdato: Type.Optional(Day('A correction of the start')),
  slutdato: Type.Optional(Type.Union([Day(), Type.Null()], {
    description: 'Extend, shorten or end the ydelse on a day; null makes it open-ended again (not past the end of an ended intervention)'
  })),
  registeredAt: RegisteredAt,
  reason: Type.Optional(Reason)
}, {
  additionalProperties: false,
  minProperties: 1,
  description: 'The fields to change; the others stay. Every change is kept as a new version (GET …/versions).',
  examples: [{ slutdato: '2024-01-31', reason: 'Midlertidigt ophold forlænget med seks måneder' }]
})

export const InterventionEnding = Type.Object({
  slutdato: Day('The last day of the intervention; its ydelser that run longer, or open-ended, end that day'),
  reason: Type.Optional(Reason)
}, { additionalProperties: false, examples: [{ slutdato: '2023-10-31', reason: 'Borgeren klarer sig selv' }] })

export const ProviderChange = Type.Object({
  slutdato: Day('The last day with the current provider; the new intervention\'s ydelser start the day after'),
  leverandoer: LeverandoerInput,
  tilbud: Type.Optional(Type.Object({
    code: CodeRef('TilbudCode', { description: 'The new udførende tilbud; default the current one' }),
    registeredAt: Type.Optional(Type.String({ format: 'date-time', description: 'Datostempel for registrering af udførende tilbud; default now' }))
  }, { additionalProperties: false })),
  bevillingsdato: Type.Optional(Day('When the continuation was granted; default the current intervention\'s')),
  reason: Type.Optional(Reason)
}, {
  additionalProperties: false,
  examples: [{ slutdato: '2023-11-30', leverandoer: { pNummer: '1023456789' }, reason: 'Borgeren flytter til et andet botilbud' }]
})

export const YdelseVersions = VersionList(Type.Object({
  code: Type.String(),
  startdato: Type.String({ format: 'date' }),
  slutdato: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  registeredAt: Instant
}, { description: 'The ydelse\'s own fields in this version' }))
