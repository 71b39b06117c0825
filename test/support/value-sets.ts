import { readFileSync } from 'node:fs'

/**
 * The codes of KL's FFB value sets, committed as a small fixture so that the
 * FHIR validator and the catalog tests need nothing beside the clone. Codes
 * only — facts, no labels or definition prose. Every set is the whole of
 * KL's expansion (ffb-valuesets.expanded.json), not a subset:
 * test/value-sets.test.ts checks that against KL's file when FFB_SOURCES is
 * set.
 */
export const VALUE_SETS_FIXTURE = new URL('../fixtures/ffb-valuesets.codes.json', import.meta.url)

interface Fixture { source: string, valueSets: Record<string, string[]> }

export const VALUE_SETS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(
  (JSON.parse(readFileSync(VALUE_SETS_FIXTURE, 'utf8')) as Fixture).valueSets))

/** The codes of one value set; an unknown name is a mistake in the test, not an empty set. */
export function valueSetCodes (name: string): readonly string[] {
  const codes = VALUE_SETS.get(name)
  if (codes === undefined) throw new Error(`value set ${name} is not in ${VALUE_SETS_FIXTURE.pathname}`)
  return codes
}
