import { createHash } from 'node:crypto'
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { dayBefore, loadCatalogs } from './catalogs.js'
import { Check } from 'typebox/value'
import { IsoDate, type CatalogEntry, type CatalogFile, type ListDefinition } from './format.js'

/**
 * The importer: reads an official source — KL's FHIR CodeSystem or the
 * ";"-separated facet export of FK-klassifikation — and derives one catalog
 * version per list defined in lists.json whose root it contains. Codes,
 * labels and hierarchy come from the source; the attributes the source does
 * not carry come from lists.json. KL's definition prose is never kept.
 */

export interface SourceConcept { code: string, label: string, parent: string | null }
export interface Source {
  format: 'fhir-codesystem' | 'fk-facet-csv'
  file: string
  sha256: string
  system?: string
  version?: string
  concepts: SourceConcept[]
}

export class ImportError extends Error {}

interface FhirConcept { code?: unknown, display?: unknown, concept?: unknown }

export function parseSource (file: string, content: Buffer): Source {
  const text = content.toString('utf8').replace(/^\uFEFF/, '')
  const base = { file: basename(file), sha256: createHash('sha256').update(content).digest('hex') }
  if (text.trimStart().startsWith('{')) {
    let json: { resourceType?: unknown, url?: unknown, version?: unknown, concept?: unknown }
    try {
      json = JSON.parse(text) as typeof json
    } catch (error) {
      throw new ImportError(`${file}: not valid JSON (${(error as Error).message})`)
    }
    if (json.resourceType !== 'CodeSystem') throw new ImportError(`${file}: a JSON source must be a FHIR CodeSystem`)
    const concepts: SourceConcept[] = []
    const walk = (list: unknown, parent: string | null, path: string): void => {
      if (list === undefined) return
      if (!Array.isArray(list)) throw new ImportError(`${file}: ${path}.concept is not an array`)
      list.forEach((item: FhirConcept, i) => {
        const where = `${path}.concept[${i}]`
        if (typeof item.code !== 'string' || item.code === '') throw new ImportError(`${file}: ${where} has no code`)
        if (typeof item.display !== 'string' || item.display.trim() === '') throw new ImportError(`${file}: ${where} (${item.code}) has no display`)
        concepts.push({ code: item.code, label: item.display.trim(), parent })
        walk(item.concept, item.code, where)
      })
    }
    walk(json.concept, null, 'CodeSystem')
    return {
      format: 'fhir-codesystem',
      ...base,
      system: typeof json.url === 'string' ? json.url : undefined,
      version: typeof json.version === 'string' ? json.version : undefined,
      concepts
    }
  }
  return { format: 'fk-facet-csv', ...base, concepts: parseFacetCsv(file, text) }
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i

/** FK-klassifikation facet export: UUID;legacy key;parent UUID;title;definition — header optional. */
function parseFacetCsv (file: string, text: string): SourceConcept[] {
  const rows = parseCsv(text, ';').filter((row) => row.some((cell) => cell.trim() !== ''))
  if (rows.length > 0 && !UUID.test(rows[0]?.[0]?.trim() ?? '')) rows.shift() // header
  if (rows.length === 0) throw new ImportError(`${file}: no rows`)
  return rows.map((row, i) => {
    const [code = '', , parent = '', title = ''] = row.map((cell) => cell.trim())
    const line = `${file}: row ${i + 1}`
    if (row.length < 4) throw new ImportError(`${line}: expected the columns UUID;legacy key;parent UUID;title;definition`)
    if (!UUID.test(code)) throw new ImportError(`${line}: "${code}" is not a UUID`)
    if (parent !== '' && !UUID.test(parent)) throw new ImportError(`${line}: parent "${parent}" is not a UUID`)
    if (title === '') throw new ImportError(`${line}: ${code} has no title`)
    return { code: code.toLowerCase(), label: title, parent: parent === '' ? null : parent.toLowerCase() }
  })
}

/** RFC 4180 with a chosen separator: quoted cells may hold separators, quotes ("") and newlines. */
export function parseCsv (text: string, separator: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') {
        quoted = false
      } else {
        cell += char
      }
    } else if (char === '"' && cell === '') {
      quoted = true
    } else if (char === separator) {
      row.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else {
      cell += char
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}

export interface BuildOptions { validFrom: string, version: string }

/** One catalog version per list whose root the source holds; lists it lacks are left out. */
export function buildCatalogs (source: Source, lists: readonly ListDefinition[], options: BuildOptions): CatalogFile[] {
  const children = new Map<string, SourceConcept[]>()
  const byCode = new Map<string, SourceConcept>()
  for (const concept of source.concepts) {
    if (byCode.has(concept.code)) throw new ImportError(`${source.file}: code ${concept.code} appears twice`)
    byCode.set(concept.code, concept)
    if (concept.parent !== null) children.set(concept.parent, [...(children.get(concept.parent) ?? []), concept])
  }
  const files: CatalogFile[] = []
  for (const list of lists) {
    if (list.root === undefined || !children.has(list.root)) continue
    const entries: CatalogEntry[] = []
    const seen = new Set<string>()
    const walk = (parent: string, ancestors: string[]): void => {
      for (const concept of children.get(parent) ?? []) {
        if (seen.has(concept.code)) throw new ImportError(`${source.file}: ${concept.code} is its own ancestor`)
        seen.add(concept.code)
        const labels = [concept.label, ...ancestors]
        entries.push({
          code: concept.code,
          label: concept.label,
          parent: parent === list.root ? null : parent,
          selectable: !children.has(concept.code),
          ...attributes(list, concept, labels, !children.has(concept.code))
        })
        walk(concept.code, labels)
      }
    }
    walk(list.root, [])
    files.push({
      catalog: list.id,
      title: list.title,
      version: options.version,
      validFrom: options.validFrom,
      validTo: null,
      source: {
        format: source.format,
        file: source.file,
        sha256: source.sha256,
        ...(source.system === undefined ? {} : { system: source.system }),
        ...(source.version === undefined ? {} : { version: source.version })
      },
      entries
    })
  }
  return files
}

/** The attributes lists.json gives, by label; `labels` is the entry's own label, then its ancestors' nearest first. */
function attributes (list: ListDefinition, concept: SourceConcept, labels: string[], selectable: boolean): Partial<CatalogEntry> {
  const out: Partial<CatalogEntry> = {}
  const where = `${list.id}: "${concept.label}" (${concept.code})`
  if (list.level !== undefined) {
    if (!(concept.label in list.level)) throw new ImportError(`${where} has no level in lists.json`)
    out.level = list.level[concept.label] ?? null
  }
  if (list.legalBasis !== undefined) {
    const basis = labels.find((label) => label in list.legalBasis!)
    if (basis === undefined && selectable) throw new ImportError(`${where} has no legal basis in lists.json (by its label or an ancestor's)`)
    out.legalBasis = basis === undefined ? null : list.legalBasis[basis] ?? null
  }
  if (list.opholdsydelse !== undefined) out.opholdsydelse = labels.some((label) => list.opholdsydelse!.includes(label))
  if (list.botilbud !== undefined) out.botilbud = labels.some((label) => list.botilbud!.includes(label))
  if (list.topLevel !== undefined) out.topLevel = list.topLevel.includes(concept.label)
  return out
}

export interface CatalogDiff {
  added: CatalogEntry[]
  retired: CatalogEntry[]
  relabelled: Array<{ code: string, from: string, to: string }>
  moved: Array<{ code: string, label: string, from: string | null, to: string | null }>
  changed: Array<{ code: string, label: string }>
}

/** What a new version changes against the one in force. */
export function diffCatalogs (before: CatalogFile | undefined, after: CatalogFile): CatalogDiff {
  const old = new Map((before?.entries ?? []).map((e) => [e.code, e]))
  const next = new Map(after.entries.map((e) => [e.code, e]))
  const diff: CatalogDiff = { added: [], retired: [], relabelled: [], moved: [], changed: [] }
  for (const entry of after.entries) {
    const was = old.get(entry.code)
    if (was === undefined) {
      diff.added.push(entry)
      continue
    }
    if (was.label !== entry.label) diff.relabelled.push({ code: entry.code, from: was.label, to: entry.label })
    if (was.parent !== entry.parent) diff.moved.push({ code: entry.code, label: entry.label, from: was.parent, to: entry.parent })
    const { label: _l, parent: _p, ...rest } = entry
    const { label: _wl, parent: _wp, ...wasRest } = was
    if (JSON.stringify(rest) !== JSON.stringify(wasRest)) diff.changed.push({ code: entry.code, label: entry.label })
  }
  for (const entry of before?.entries ?? []) if (!next.has(entry.code)) diff.retired.push(entry)
  return diff
}

export const isEmptyDiff = (diff: CatalogDiff): boolean =>
  Object.values(diff).every((changes: unknown[]) => changes.length === 0)

export function formatDiff (list: string, before: CatalogFile | undefined, after: CatalogFile, diff: CatalogDiff): string {
  if (before === undefined) {
    return `${list}: new list, ${after.entries.length} entries (${after.entries.filter((e) => e.selectable).length} registrable)`
  }
  const lines = [`${list}: ${before.version} → ${after.version}${isEmptyDiff(diff) ? ', no changes' : ''}`]
  for (const e of diff.added) lines.push(`  + added      ${e.code}  ${e.label}`)
  for (const e of diff.retired) lines.push(`  - retired    ${e.code}  ${e.label}`)
  for (const e of diff.relabelled) lines.push(`  ~ relabelled ${e.code}  "${e.from}" → "${e.to}"`)
  for (const e of diff.moved) lines.push(`  > moved      ${e.code}  ${e.label}: parent ${e.from ?? '(top)'} → ${e.to ?? '(top)'}`)
  for (const e of diff.changed) lines.push(`  * attributes ${e.code}  ${e.label}`)
  return lines.join('\n')
}

export interface ImportOptions {
  /** First day the new version is in force; defaults to the date in a FHIR version like 20240530. */
  validFrom?: string
  /** Defaults to the source's version, else validFrom without dashes. */
  version?: string
  dryRun?: boolean
}

export interface ImportReport { validFrom: string, version: string, lists: Array<{ list: string, diff: CatalogDiff, text: string, written: boolean }> }

/**
 * Imports an official file into `dir`: one new version per list that
 * changed, the superseded version closed the day before. Validates the
 * result with the loader; with dryRun nothing is written.
 */
export async function importSource (dir: string, file: string, options: ImportOptions = {}): Promise<ImportReport> {
  // The importer also fills lists that have no version yet.
  const catalogs = await loadCatalogs(dir, { allowEmptyLists: true })
  const source = parseSource(file, await readFile(file))
  const validFrom = options.validFrom ?? fromCompactDate(source.version)
  if (validFrom === undefined || !Check(IsoDate, validFrom)) {
    throw new ImportError('give --valid-from YYYY-MM-DD: the first day the new version is in force')
  }
  const version = options.version ?? source.version ?? validFrom.replaceAll('-', '')
  if (!/^[A-Za-z0-9._-]+$/.test(version) || version.startsWith('.')) {
    throw new ImportError(`version "${version}" may only hold letters, digits, ".", "_" and "-"`)
  }
  const definitions = [...catalogs.lists.values()].map((list) => list.definition)
  const built = buildCatalogs(source, definitions, { validFrom, version })
  if (built.length === 0) throw new ImportError(`${source.file} holds the root of none of the lists in lists.json`)
  const report: ImportReport = { validFrom, version, lists: [] }
  const writes: CatalogFile[] = []
  for (const next of built) {
    const current = catalogs.list(next.catalog)?.versions.at(-1)
    if (current !== undefined && current.validFrom >= validFrom) {
      throw new ImportError(`${next.catalog}: version ${current.version} is in force from ${current.validFrom}; a new version must start later than that`)
    }
    if (catalogs.version(next.catalog, version) !== undefined) throw new ImportError(`${next.catalog}: version ${version} exists; pass --version`)
    const diff = diffCatalogs(current, next)
    const written = !isEmptyDiff(diff) && options.dryRun !== true
    if (written) writes.push(...(current === undefined ? [] : [{ ...current, validTo: dayBefore(validFrom) }]), next)
    report.lists.push({ list: next.catalog, diff, text: formatDiff(next.catalog, current, next, diff), written })
  }
  if (writes.length > 0) {
    // Written and loaded in a scratch copy first: a result the loader refuses never reaches catalogs/.
    const scratch = await mkdtemp(join(tmpdir(), 'ffb-catalogs-'))
    try {
      await cp(dir, scratch, { recursive: true })
      for (const file of writes) await writeCatalog(scratch, file)
      await loadCatalogs(scratch, { allowEmptyLists: true })
    } finally {
      await rm(scratch, { recursive: true, force: true })
    }
    for (const file of writes) await writeCatalog(dir, file)
  }
  return report
}

function fromCompactDate (version: string | undefined): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(version ?? '')
  return match === null ? undefined : `${match[1]}-${match[2]}-${match[3]}`
}

export async function writeCatalog (dir: string, catalog: CatalogFile): Promise<void> {
  await mkdir(join(dir, catalog.catalog), { recursive: true })
  await writeFile(join(dir, catalog.catalog, `${catalog.version}.json`), `${JSON.stringify(catalog, null, 2)}\n`)
}
