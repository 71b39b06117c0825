import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { CATALOGS_DIR, CatalogError } from './catalogs.js'
import { ImportError, importSource } from './import.js'

/**
 * `npm run catalogs:import -- FILE [--valid-from YYYY-MM-DD] [--version V] [--dry-run]`:
 * reads a new official version (KL's FHIR CodeSystem JSON, or an
 * FK-klassifikation facet export as ;-separated CSV), prints what changes
 * against the version in force, and writes it into catalogs/.
 */
const USAGE = 'Usage: npm run catalogs:import -- FILE [--valid-from YYYY-MM-DD] [--version V] [--dry-run] [--dir DIR]'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'valid-from': { type: 'string' },
    version: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    dir: { type: 'string' }
  }
})
const [file] = positionals
if (file === undefined || positionals.length > 1) {
  process.stderr.write(`${USAGE}\n`)
  process.exit(2)
}
const dir = values.dir === undefined ? CATALOGS_DIR : resolve(values.dir)
try {
  const report = await importSource(dir, resolve(file), { validFrom: values['valid-from'], version: values.version, dryRun: values['dry-run'] })
  process.stdout.write(`version ${report.version}, in force from ${report.validFrom}\n\n`)
  for (const list of report.lists) process.stdout.write(`${list.text}\n${list.written ? `  written to ${list.list}/${report.version}.json\n` : ''}\n`)
  const written = report.lists.filter((l) => l.written).length
  process.stdout.write(values['dry-run']
    ? 'dry run: nothing written\n'
    : `${written} list(s) written; restart the API to serve them\n`)
} catch (error) {
  if (!(error instanceof ImportError || error instanceof CatalogError)) throw error
  process.stderr.write(`${error.message}\n`)
  process.exit(2)
}
