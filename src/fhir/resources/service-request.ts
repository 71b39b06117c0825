import type { CaseRow, Citizen } from '../citizen.js'
import { caseNumber, caseNumberSystem, resource, type Resource } from './common.js'

/** A case: the request for a social service, with our case id as its case number. */
export function serviceRequest (c: Citizen, found: CaseRow): Resource {
  return resource(c.resources, 'ServiceRequest', 'serviceRequest', found.id, () => [found.opened_at, {
    extension: [caseNumber(caseNumberSystem(c.kommunekode, 'sag'), found.id)],
    status: 'active',
    intent: 'proposal',
    subject: c.subject
  }])
}
