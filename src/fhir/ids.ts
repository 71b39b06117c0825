import { createHash } from 'node:crypto'

/** Our namespace for name-based (RFC 9562 version 5) UUIDs. */
const NAMESPACE = Buffer.from('4d2f3a0e9b7c4e61a8f05b3c1d9e7f20', 'hex')

/**
 * The FHIR id of one of our records: a version-5 UUID of a name such as
 * `Condition/<case id>/<undertema>`. The same record always gets the same
 * id, so a resend is an update (as KL's guide requires), and nothing about
 * the citizen can be read back from it.
 */
export function stableId (name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
