import type { CitizenRows } from '../citizen.js'
import { resource, type Resource, type Resources } from './common.js'

/** The citizen, by CPR, and the municipality, by its KOMBIT STS organisation: named after the citizen's first case. */
export function patient (resources: Resources, rows: CitizenRows, kombitOrganisation: string): Resource {
  const [first] = rows.cases
  return resource(resources, 'Patient', 'citizen', first!.id, () => [first!.opened_at, {
    identifier: [{ use: 'official', system: 'urn:oid:1.2.208.176.1.2', value: rows.cpr }],
    managingOrganization: { identifier: { use: 'official', system: 'https://www.kombit.dk/organisation', value: kombitOrganisation } }
  }])
}
