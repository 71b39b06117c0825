import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TSchema } from 'typebox'
import { Errors } from 'typebox/value'
import { HttpProblem } from '../http/problems.js'
import { CatalogFile, ListsFile, type CatalogEntry, type ListDefinition } from './format.js'

/**
 * The FFB classification lists, loaded from `catalogs/` and checked at
 * start. Every coded field of the API is checked against the version of its
 * list in force on the registration date.
 */

export const CATALOGS_DIR = fileURLToPath(new URL('../../catalogs/', import.meta.url))

/** A catalog file breaks a rule: names the file, the entry (if any) and the rule. */
export class CatalogError extends Error {
  constructor (readonly file: string, readonly rule: string, readonly entry?: string) {
    super(`catalogs: ${file}${entry === undefined ? '' : `, entry ${entry}`}: ${rule}`)
    this.name = 'CatalogError'
  }
}

export interface CatalogList {
  id: string
  title: string
  definition: ListDefinition
  /** Oldest first. */
  versions: CatalogFile[]
}

const DANISH_DAY = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Copenhagen' })

// Formatting is slow and exports ask for thousands of days: Danish midnight
// (and every offset change) falls on a whole UTC hour, so one answer per hour is exact.
const daysByHour = new Map<number, string>()

/** The day an instant falls on in Denmark, as YYYY-MM-DD: the date a registration's codes are checked on. */
export function dayInDenmark (instant: Date): string {
  const hour = Math.floor(instant.getTime() / 3_600_000)
  let day = daysByHour.get(hour)
  if (day === undefined) {
    if (daysByHour.size >= 100_000) daysByHour.clear()
    day = DANISH_DAY.format(instant)
    daysByHour.set(hour, day)
  }
  return day
}

/** Today in Denmark, as YYYY-MM-DD. */
export const today = (): string => dayInDenmark(new Date())

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
export const dayBefore = (date: string): string => addDays(date, -1)
export const dayAfter = (date: string): string => addDays(date, 1)

/** Midnight in Denmark (never inside a daylight-saving switch, which happens at 02:00 and 03:00). */
export function startOfDanishDay (day: string): Date {
  const summer = new Date(`${day}T00:00:00+02:00`)
  return dayInDenmark(summer) === day ? summer : new Date(`${day}T00:00:00+01:00`)
}

/**
 * The Danish days that began in [since, now]: the days a period's status
 * changed on by the passing of time alone (a ydelse planned → active on its
 * startdato, active → ended on the day after its slutdato). Such a change's
 * instant is the start of that day; undefined when no day began.
 */
export function daysBegunBetween (since: Date, now: Date): { first: string, last: string } | undefined {
  const first = startOfDanishDay(dayInDenmark(since)) < since ? dayAfter(dayInDenmark(since)) : dayInDenmark(since)
  const last = dayInDenmark(now)
  return first <= last ? { first, last } : undefined
}

export class Catalogs {
  readonly lists: ReadonlyMap<string, CatalogList>
  /** Each version's entries by code: registrations look codes up on every write. */
  readonly #byCode = new Map<CatalogFile, Map<string, CatalogEntry>>()

  /** Each list's registrable codes in any version: what its code schema allows. */
  readonly #registrable = new Map<string, Set<string>>()

  constructor (lists: CatalogList[]) {
    this.lists = new Map(lists.map((list) => [list.id, list]))
    for (const list of lists) {
      const codes = new Set<string>()
      for (const version of list.versions) {
        this.#byCode.set(version, new Map(version.entries.map((entry) => [entry.code, entry])))
        for (const entry of version.entries) if (registrable(entry)) codes.add(entry.code)
      }
      this.#registrable.set(list.id, codes)
    }
  }

  /**
   * Explains a value a code schema refused: which list the field takes and,
   * when the value is a code of another list, which (e.g. an A&D sub-theme
   * sent as F&F). Undefined when `allowed` is no list's code schema.
   */
  explainRefusal (allowed: readonly unknown[], value: unknown): string | undefined {
    const list = [...this.lists.values()].find((l) => {
      const codes = this.#registrable.get(l.id)!
      return codes.size === allowed.length && allowed.every((code) => codes.has(code as string))
    })
    if (list === undefined) return undefined
    const other = [...this.lists.values()].find((l) => this.#registrable.get(l.id)!.has(value as string))
    const grouping = typeof value === 'string' && list.versions.some((v) => this.codeIn(v, value) !== undefined)
    return `is not a registrable code of ${list.title} (GET /v1/catalogs/${list.id})` +
      (other !== undefined ? `; it is a code of ${other.title}` : grouping ? '; it is a grouping (overtema), not a registrable code' : '')
  }

  /** A code's entry in one version. */
  codeIn (version: CatalogFile, code: string): CatalogEntry | undefined {
    return this.#byCode.get(version)?.get(code)
  }

  list (id: string): CatalogList | undefined {
    return this.lists.get(id)
  }

  /** The version of a list in force on a date, if any. */
  versionAt (id: string, date: string): CatalogFile | undefined {
    return this.lists.get(id)?.versions.find((v) => v.validFrom <= date && (v.validTo === null || date <= v.validTo))
  }

  version (id: string, version: string): CatalogFile | undefined {
    return this.lists.get(id)?.versions.find((v) => v.version === version)
  }

  /**
   * Checks a code registered on `date` against the version of its list in
   * force then: unknown codes, groupings, codes not yet introduced and codes
   * a newer version retired are a 422 problem naming the code, the list, the
   * version and the field.
   */
  check (id: string, code: string, date: string, pointer: string): CatalogEntry {
    const list = this.lists.get(id)
    if (list === undefined) throw new Error(`no catalog ${id}`)
    const version = this.versionAt(id, date)
    const fail = (message: string): never => {
      throw new HttpProblem('catalog-code', `${pointer}: ${message}`, { errors: [{ in: 'body', pointer, code: 'catalog', message }] })
    }
    if (version === undefined) {
      return fail(`no version of ${id} is in force on ${date} (the first is valid from ${list.versions[0]?.validFrom ?? '—'})`)
    }
    const entry = this.codeIn(version, code)
    if (entry === undefined) {
      // Versions are oldest first: the first other version with the code says whether it was retired or is yet to come.
      const other = list.versions.find((v) => v !== version && this.codeIn(v, code) !== undefined)
      if (other === undefined) return fail(`${code} is not a code of ${id} (version ${version.version})`)
      if (other.validFrom < version.validFrom) {
        return fail(`${code} of ${id} was retired by version ${version.version} (in force from ${version.validFrom}); registrations dated ${date} cannot use it`)
      }
      return fail(`${code} of ${id} is introduced by version ${other.version} from ${other.validFrom}; not yet valid on ${date}`)
    }
    if (!registrable(entry)) return fail(`${code} (${entry.label}) of ${id} is a grouping, not a registrable code`)
    return entry
  }

  /** A stored code with its label as of a date (null when no loaded version knows it), for answers. */
  coded (id: string, code: string, date?: string): { code: string, label: string | null } {
    return { code, label: this.entry(id, code, date)?.entry.label ?? null }
  }

  /** A stored funktionsevneniveau or støttebehov with its label and its level 0–4 (null: "ikke vurderet"). */
  leveled (id: string, code: string, date?: string): { code: string, label: string | null, level: number | null } {
    const entry = this.entry(id, code, date)?.entry
    return { code, label: entry?.label ?? null, level: entry?.level ?? null }
  }

  /** The entry of a code as of a date, falling back to the newest version that has it: stored data stays readable. */
  entry (id: string, code: string, date = today()): { version: CatalogFile, entry: CatalogEntry } | undefined {
    const versions = this.lists.get(id)?.versions ?? []
    const atDate = this.versionAt(id, date)
    for (const version of [...(atDate === undefined ? [] : [atDate]), ...[...versions].reverse()]) {
      const entry = this.codeIn(version, code)
      if (entry !== undefined) return { version, entry }
    }
    return undefined
  }

  /**
   * The schema of a coded field: exactly the registrable codes of the list
   * (in any of its versions — the date check is `check`'s), with their labels
   * for the OpenAPI document.
   */
  codeSchema (id: string): TSchema & { $id: string } {
    const list = this.lists.get(id)
    if (list === undefined) throw new Error(`no catalog ${id}`)
    const labels = new Map<string, string>()
    for (const version of list.versions) {
      for (const entry of version.entries) if (registrable(entry)) labels.set(entry.code, entry.label)
    }
    return {
      $id: codeSchemaId(id),
      type: 'string',
      title: list.title,
      description: `A code of the FFB list ${list.title} (GET /v1/catalogs/${id}); x-enum-descriptions gives each code's ` +
        'label, x-enum-varnames a name for it in generated code.',
      enum: [...labels.keys()],
      'x-enum-varnames': enumNames([...labels.values()]),
      'x-enum-descriptions': [...labels.values()],
      'x-ffb-catalog': id
    } as unknown as TSchema & { $id: string }
  }
}

/**
 * Whether a code may be sent: a selectable entry, or a top-level målgruppe
 * (reported for a citizen without a diagnosis; the decision checks which).
 */
export const registrable = (entry: CatalogEntry): boolean => entry.selectable || entry.topLevel === true

/**
 * Names for codes in generated code, from their labels: Danish letters
 * spelled as the uddata specification does (æ→ae, ø→oe, å→aa), PascalCase,
 * unique within the list (a repeated label gets _2, _3, …).
 */
export function enumNames (labels: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return labels.map((label) => {
    const ascii = label.toLowerCase().replaceAll('æ', 'ae').replaceAll('ø', 'oe').replaceAll('å', 'aa').normalize('NFKD').replace(/[^a-z0-9]+/g, ' ')
    const words = ascii.trim().split(' ').filter((word) => word !== '')
    const name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')
    const base = /^[A-Z]/.test(name) ? name : `Code${name}`
    const count = (seen.get(base) ?? 0) + 1
    seen.set(base, count)
    return count === 1 ? base : `${base}_${count}`
  })
}

export const codeSchemaId = (id: string): string =>
  `${id.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}Code`

async function readJson (dir: string, file: string): Promise<unknown> {
  const path = join(dir, file)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    throw new CatalogError(file, 'file is missing')
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CatalogError(file, `not valid JSON: ${(error as Error).message}`)
  }
}

function assertShape (schema: TSchema, value: unknown, file: string): void {
  const [error] = Errors(schema, value)
  if (error !== undefined) throw new CatalogError(file, `${error.instancePath === '' ? '/' : error.instancePath} ${error.message}`)
}

/** Reads lists.json and every version file, and checks them; throws CatalogError on the first broken rule. */
export async function loadCatalogs (dir = CATALOGS_DIR, { allowEmptyLists = false } = {}): Promise<Catalogs> {
  const definitions = await readJson(dir, 'lists.json')
  assertShape(ListsFile, definitions, 'lists.json')
  const lists: CatalogList[] = []
  const ids = new Set<string>()
  for (const definition of (definitions as { lists: ListDefinition[] }).lists) {
    if (ids.has(definition.id)) throw new CatalogError('lists.json', `list ${definition.id} is defined twice`)
    ids.add(definition.id)
    if ((definition.root === undefined) === (definition.own !== true)) {
      throw new CatalogError('lists.json', `list ${definition.id} needs either a root code or "own": true`)
    }
    lists.push({ id: definition.id, title: definition.title, definition, versions: await loadVersions(dir, definition, allowEmptyLists) })
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !ids.has(entry.name)) throw new CatalogError(entry.name, 'folder is not a list in lists.json')
  }
  const catalogs = new Catalogs(lists)
  checkMapping(catalogs)
  return catalogs
}

async function loadVersions (dir: string, definition: ListDefinition, allowEmpty: boolean): Promise<CatalogFile[]> {
  let names: string[]
  try {
    names = (await readdir(join(dir, definition.id))).filter((name) => name.endsWith('.json')).sort()
  } catch {
    names = []
  }
  if (names.length === 0 && !allowEmpty) throw new CatalogError(`${definition.id}/`, 'the list has no version file')
  const versions: CatalogFile[] = []
  for (const name of names) {
    const file = `${definition.id}/${name}`
    const version = await readJson(dir, file)
    assertShape(CatalogFile, version, file)
    checkVersion(version as CatalogFile, file, definition.id, name.slice(0, -'.json'.length))
    versions.push(version as CatalogFile)
  }
  versions.sort((a, b) => a.validFrom.localeCompare(b.validFrom))
  versions.forEach((version, i) => {
    const next = versions[i + 1]
    const file = `${definition.id}/${version.version}.json`
    if (next === undefined) return
    if (version.validTo === null) throw new CatalogError(file, `validTo is missing although version ${next.version} follows from ${next.validFrom}`)
    if (version.validTo !== dayBefore(next.validFrom)) {
      throw new CatalogError(file, `validTo ${version.validTo} must be the day before version ${next.version} takes over (${dayBefore(next.validFrom)})`)
    }
  })
  return versions
}

function checkVersion (version: CatalogFile, file: string, list: string, stem: string): void {
  if (version.catalog !== list) throw new CatalogError(file, `catalog is "${version.catalog}" but the file is in ${list}/`)
  if (version.version !== stem) throw new CatalogError(file, `version is "${version.version}" but the file is named ${stem}.json`)
  if (version.validTo !== null && version.validTo < version.validFrom) {
    throw new CatalogError(file, `validTo ${version.validTo} is before validFrom ${version.validFrom}`)
  }
  const byCode = new Map<string, CatalogEntry>()
  for (const entry of version.entries) {
    if (byCode.has(entry.code)) throw new CatalogError(file, 'code is not unique in this version', entry.code)
    byCode.set(entry.code, entry)
  }
  for (const entry of version.entries) {
    if (entry.parent !== null && !byCode.has(entry.parent)) throw new CatalogError(file, `parent ${entry.parent} does not exist`, entry.code)
    const path = new Set([entry.code])
    for (let parent = entry.parent; parent !== null; parent = byCode.get(parent)?.parent ?? null) {
      if (path.has(parent)) throw new CatalogError(file, `the parents form a cycle through ${parent}`, entry.code)
      path.add(parent)
    }
  }
  if (!version.entries.some((e) => e.selectable)) throw new CatalogError(file, 'no entry is selectable')
}

/** The DST mapping names tilbud by official code: each must exist in the tilbud list. */
function checkMapping (catalogs: Catalogs): void {
  const mapping = catalogs.list('dst-mapping')
  const tilbud = catalogs.list('tilbud')
  if (mapping === undefined || tilbud === undefined) return
  const known = new Set(tilbud.versions.flatMap((v) => v.entries.map((e) => e.code)))
  for (const version of mapping.versions) {
    for (const entry of version.entries) {
      const unknown = entry.when?.tilbud.find((code) => !known.has(code))
      if (unknown !== undefined) throw new CatalogError(`dst-mapping/${version.version}.json`, `tilbud ${unknown} is not in the tilbud list`, entry.code)
    }
  }
}
