import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { NotModified, sendCached } from '../http/etag.js'
import { HttpProblem, problemResponses } from '../http/problems.js'
import { today, type Catalogs } from './catalogs.js'
import { CatalogEntry, type CatalogFile } from './format.js'

/**
 * GET /v1/catalogs, /v1/catalogs/{list}, /v1/catalogs/{list}/{code}: the
 * FFB lists and their versions, readable by any client. Answers carry a
 * strong ETag; If-None-Match gives 304.
 */

const CACHE = 'private, max-age=300'

const VersionInfo = {
  catalog: Type.String({ examples: ['aktivitet-og-deltagelse'] }),
  title: Type.String(),
  version: Type.String({ examples: ['20240530'] }),
  validFrom: Type.String({ format: 'date' }),
  validTo: Type.Union([Type.String({ format: 'date' }), Type.Null()], { description: 'Last day in force; null while current' })
}

const CatalogTreeNode = Type.Object({
  ...CatalogEntry.properties,
  children: Type.Optional(Type.Array(Type.Ref('CatalogTreeNode'), { description: 'With ?tree=true: the entries below this one' }))
}, { $id: 'CatalogTreeNode', description: 'A catalog entry; with ?tree=true, nested' })

/** A code in an answer, with its label from the catalog (as of the registration's date). */
const Coded = Type.Object({
  code: Type.String({ description: 'The official code (FK-klassifikation UUID)' }),
  label: Type.Union([Type.String(), Type.Null()], { description: 'The label; null only for a code no loaded catalog version knows' })
}, { $id: 'Coded', description: 'A catalog code and its label' })

export const catalogSchemas = [CatalogTreeNode, Coded]

const ListParams = Type.Object({ list: Type.String({ maxLength: 100, description: 'List id, e.g. aktivitet-og-deltagelse' }) })

const VersionQuery = {
  version: Type.Optional(Type.String({ maxLength: 50, description: 'A specific version' })),
  at: Type.Optional(Type.String({ format: 'date', description: 'The version in force on this date (default: today)' }))
}

type Entry = CatalogEntry & { children?: Entry[] }

function toTree (entries: CatalogEntry[]): Entry[] {
  const nodes = new Map<string, Entry>(entries.map((e) => [e.code, { ...e, children: [] }]))
  const roots: Entry[] = []
  for (const node of nodes.values()) {
    const parent = node.parent === null ? undefined : nodes.get(node.parent)
    if (parent === undefined) roots.push(node)
    else parent.children!.push(node)
  }
  return roots
}

// eslint-disable-next-line max-lines-per-function -- registers the area's routes one after another; each handler is short
export const catalogRoutes: FastifyPluginAsyncTypebox<{ catalogs: Catalogs }> = async (app, { catalogs }) => {
  const pick = (list: string, query: { version?: string, at?: string }): CatalogFile => {
    if (catalogs.list(list) === undefined) {
      throw new HttpProblem('not-found', `No catalog ${list}; GET /v1/catalogs lists them`)
    }
    if (query.version !== undefined && query.at !== undefined) {
      throw new HttpProblem('validation', 'Give version or at, not both', {
        errors: [{ in: 'query', pointer: '/at', code: 'exclusive', message: 'cannot be combined with version' }]
      })
    }
    const found = query.version !== undefined ? catalogs.version(list, query.version) : catalogs.versionAt(list, query.at ?? today())
    if (found === undefined) {
      throw new HttpProblem('not-found', query.version !== undefined
        ? `Catalog ${list} has no version ${query.version}`
        : `No version of ${list} is in force on ${query.at ?? today()}`)
    }
    return found
  }

  app.get('/catalogs', {
    config: { scope: 'any' },
    schema: {
      tags: ['catalogs'],
      operationId: 'listCatalogs',
      summary: 'The FFB lists and their versions',
      description: 'Every FFB list the API has loaded, with its versions and the days they are in force. Any valid token may read the catalogs.',
      response: {
        200: Type.Object({
          items: Type.Array(Type.Object({
            id: Type.String(),
            title: Type.String(),
            current: Type.Union([Type.String(), Type.Null()], { description: 'The version in force today' }),
            versions: Type.Array(Type.Object({ ...VersionInfo, entries: Type.Integer(), registrable: Type.Integer() }))
          }))
        }),
        304: NotModified
      }
    }
  }, async (request, reply) => {
    const items = [...catalogs.lists.values()].map((list) => ({
      id: list.id,
      title: list.title,
      current: catalogs.versionAt(list.id, today())?.version ?? null,
      versions: list.versions.map((v) => ({
        catalog: v.catalog,
        title: v.title,
        version: v.version,
        validFrom: v.validFrom,
        validTo: v.validTo,
        entries: v.entries.length,
        registrable: v.entries.filter((e) => e.selectable).length
      }))
    }))
    return await sendCached(request, reply, { items }, CACHE)
  })

  app.get('/catalogs/:list', {
    config: { scope: 'any' },
    schema: {
      tags: ['catalogs'],
      operationId: 'getCatalog',
      summary: 'The entries of one list: the version in force today, or ?version= / ?at=; flat, or nested with ?tree=true',
      description: 'The codes and labels a client offers its users; a request sends the code, an answer gives code and label. ' +
        '404 for an unknown list or version.',
      params: ListParams,
      querystring: Type.Object({
        ...VersionQuery,
        tree: Type.Optional(Type.Boolean({ default: false, description: 'Nest entries under their parents' }))
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ ...VersionInfo, entries: Type.Array(Type.Ref('CatalogTreeNode')) }),
        304: NotModified,
        ...problemResponses(['not-found'])
      }
    }
  }, async (request, reply) => {
    const { source: _source, entries, ...version } = pick(request.params.list, request.query)
    return await sendCached(request, reply, { ...version, entries: request.query.tree === true ? toTree(entries) : entries }, CACHE)
  })

  app.get('/catalogs/:list/:code', {
    config: { scope: 'any' },
    schema: {
      tags: ['catalogs'],
      operationId: 'getCatalogEntry',
      summary: 'One entry of a list, as of the version in force today or ?version= / ?at=',
      description: 'The label and validity of one code, e.g. one read from a stored record. 404 when the list has no such code in that version.',
      params: Type.Object({ ...ListParams.properties, code: Type.String({ maxLength: 100 }) }),
      querystring: Type.Object(VersionQuery, { additionalProperties: false }),
      response: {
        200: Type.Object({ ...VersionInfo, entry: CatalogEntry }),
        304: NotModified,
        ...problemResponses(['not-found'])
      }
    }
  }, async (request, reply) => {
    const { list, code } = request.params
    const found = pick(list, request.query)
    const { source: _source, entries: _entries, ...version } = found
    const entry = catalogs.codeIn(found, code)
    if (entry === undefined) {
      const elsewhere = catalogs.entry(list, code)
      throw new HttpProblem('not-found', elsewhere === undefined
        ? `No code ${code} in catalog ${list}`
        : `Code ${code} is not in version ${version.version} of ${list}; it is in version ${elsewhere.version.version} (?version=${elsewhere.version.version})`)
    }
    return await sendCached(request, reply, { ...version, entry }, CACHE)
  })
}
