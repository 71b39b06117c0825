import { stableId } from '../ids.js'

/** What every resource of KL's FFB delivery report is made of: its code systems, data types and ids. */

export const FFB_SYSTEM = 'urn:oid:1.2.208.176.2.22'
export const CSC = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes'
export const SNOMED = 'http://snomed.info/sct'
export const PROFILE = 'http://fhir.kl.dk/ffbreporting/StructureDefinition/'
export const CORE = 'http://fhir.kl.dk/core/StructureDefinition/'

/** The code system of a municipality's own sagsnumre: KL's guide names none (its example has http://example.dk/identifier/case). */
export const sagsnummerSystem = (kommunekode: string): string => `urn:ffb-api:kommune:${kommunekode}:sagsnummer`

export interface Resource { resourceType: string, id: string, meta: { versionId: string, lastUpdated: string, profile: string[] }, [element: string]: unknown }

export const coding = (system: string, code: string) => ({ coding: [{ system, code }] })
export const ffb = (code: string) => coding(FFB_SYSTEM, code)
/**
 * A resource's fullUrl in the bundle, and every reference to it: an absolute
 * `urn:uuid:` URI, as base R4 asks of Bundle.entry.fullUrl (KL's examples use
 * relative `<Type>/<id>`; see docs/fhir-delivery.md).
 */
export const fullUrl = (resource: { id: string }): string => `urn:uuid:${resource.id}`
export const ref = (resource: Resource) => ({ reference: fullUrl(resource) })
export const rank = (resource: Resource, value: 1 | 2) => ({ extension: [{ url: `${CORE}ConditionRank`, valuePositiveInt: value }], ...ref(resource) })
export const iso = (instant: Date): string => instant.toISOString()
export const latest = (...instants: Array<Date | null | undefined>): Date => new Date(Math.max(...instants.map((i) => i?.getTime() ?? 0)))

/**
 * When a row was last corrected or annulled, if that happened by the end of
 * the selection (a change its resource's meta shows); else undefined.
 */
export const corrected = ({ selection }: { selection: { end: Date } },
  row: { changed_at: Date, annulled_at: Date | null, version?: number }): Date | undefined =>
  (row.annulled_at !== null || (row.version ?? 1) > 1) && row.changed_at < selection.end ? row.changed_at : undefined

/**
 * KL's municipalityCaseNumber ("anledningDokumenteretISag"): the case's own
 * sagsnummer, the one the municipality documents the case under — on the
 * ServiceRequest and on every CarePlan of the case, as the guide's example
 * carries "Sag154689" on both. None while the case has no sagsnummer (the
 * CarePlan then cannot be delivered).
 */
export function caseNumber (kommunekode: string, found: { sagsnummer: string | null }) {
  return found.sagsnummer === null
    ? []
    : [{
        url: `${PROFILE}kl-reporting-ffb-municipalityCaseNumber`,
        extension: [{ url: 'municipalitySpecific', valueIdentifier: { use: 'usual', system: sagsnummerSystem(kommunekode), value: found.sagsnummer } }]
      }]
}

/** An element that is a list, left out when the list is empty: FHIR allows no empty arrays. */
export const listed = <K extends string, T>(element: K, items: T[]): Partial<Record<K, T[]>> =>
  (items.length === 0 ? {} : { [element]: items }) as Partial<Record<K, T[]>>

/** A bundle's resources so far, by `<type>/<name>`. */
export type Resources = Map<string, Resource>

/** The resource named `<type>/<name>`, made (and put in the bundle) the first time it is asked for. */
export function resource (resources: Resources, type: string, profile: string, name: string,
  make: () => [lastUpdated: Date, elements: Record<string, unknown>]): Resource {
  const key = `${type}/${name}`
  let made = resources.get(key)
  if (made === undefined) {
    const [lastUpdated, elements] = make()
    // The id stays across changes; the version moves with lastUpdated, the instant of the resource's last change.
    const meta = { versionId: String(lastUpdated.getTime()), lastUpdated: iso(lastUpdated), profile: [`${PROFILE}kl-reporting-ffb-${profile}`] }
    made = { resourceType: type, id: stableId(key), meta, ...elements }
    resources.set(key, made)
  }
  return made
}
