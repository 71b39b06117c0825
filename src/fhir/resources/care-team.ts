import type { Citizen, InterventionRow } from '../citizen.js'
import { ffb, resource, type Resource } from './common.js'

/** An intervention's udførende tilbud. */
export function careTeam (c: Citizen, i: InterventionRow): Resource {
  return resource(c.resources, 'CareTeam', 'servicePerformer', i.id, () => [i.tilbud_registered_at, { category: [ffb(i.tilbud)], subject: c.subject }])
}
