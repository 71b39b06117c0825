import Type, { type TSchema } from 'typebox'
import { Instant, Uuid } from '../http/fields.js'

/** The answer of GET {record URL}/versions: every version of a record, `data` being its correctable fields. */
export const VersionList = <T extends TSchema>(data: T) => Type.Object({
  items: Type.Array(Type.Object({
    version: Type.Integer({ minimum: 1 }),
    recordedAt: Instant,
    clientId: Type.Union([Uuid, Type.Null()], { description: 'The API client that wrote it; null for versions written before versions were kept' }),
    reason: Type.Union([Type.String(), Type.Null()]),
    data
  }), { description: 'Oldest first; the last is the current version' })
})
