import { renumbered, type CaseRow, type Citizen } from '../citizen.js'
import { caseNumber, latest, listed, resource, type Resource } from './common.js'

/** A case: the request for a social service, with the municipality's sagsnummer as its case number once it has one. */
export function serviceRequest (c: Citizen, found: CaseRow): Resource {
  return resource(c.resources, 'ServiceRequest', 'serviceRequest', found.id, () => [latest(found.opened_at, renumbered(c, found)), {
    ...listed('extension', caseNumber(c.kommunekode, found)),
    status: 'active',
    intent: 'proposal',
    subject: c.subject
  }])
}
