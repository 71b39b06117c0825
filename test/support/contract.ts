import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv, type ValidateFunction } from 'ajv'
import formats from 'ajv-formats'
import { ROOT } from '../helper.js'

/**
 * Our committed OpenAPI document (openapi/openapi.json) as a judge of
 * answers: every status and content type must be declared for the
 * operation, every JSON body (every line of an NDJSON stream) — or text
 * body (CSV, SVG, HTML) — must match its declared schema, and nothing may
 * be a 5xx.
 */

type Schema = Record<string, unknown>
export interface Operation { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }
export interface Document { paths: Record<string, Record<string, Operation>>, components: Schema }

export interface Answer { status: number, contentType: string, body: string }

export class Contract {
  readonly ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true })
  private readonly validators = new Map<Schema, ValidateFunction>()
  private readonly routes: Array<{ method: string, pattern: RegExp, operation: Operation }>

  constructor (document: Document = JSON.parse(readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8')) as Document) {
    // ajv-formats is CommonJS: its default export is the module object under NodeNext.
    ;(formats as unknown as { default: (ajv: Ajv) => void }).default(this.ajv)
    this.ajv.addSchema({ $id: 'openapi', components: document.components })
    // A literal segment wins over a parameter (/v1/cases/search before /v1/cases/{id}).
    this.routes = Object.entries(document.paths)
      .sort(([a], [b]) => a.split('{').length - b.split('{').length)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
        operation
      })))
  }

  /** A validator of a schema of the document (its $refs resolved against the document's components). */
  validatorOf (schema: Schema): ValidateFunction {
    const known = this.validators.get(schema)
    if (known !== undefined) return known
    const validate = this.ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as Schema)
    this.validators.set(schema, validate)
    return validate
  }

  /** What is wrong with the answer to `method url`, or null when it keeps the contract. */
  breach (method: string, url: string, answer: Answer): string | null {
    const path = url.split('?')[0]!
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path))
    if (route === undefined) return `${method} ${path} is no operation of the document`
    return this.breachOf(route.operation, answer)
  }

  /** What is wrong with an answer of an operation, or null when it keeps the contract. */
  breachOf (operation: Operation, answer: Answer): string | null {
    const { status, body } = answer
    if (status >= 500) return `${status} ${body.slice(0, 300)}`
    const declared = operation.responses[String(status)]
    if (declared === undefined) return `status ${status} is not declared (${Object.keys(operation.responses).join(', ')}): ${body.slice(0, 200)}`
    if (declared.content === undefined) return body === '' ? null : `${status} declares no body`
    const contentType = answer.contentType.split(';')[0]!.trim()
    const media = declared.content[contentType]
    if (media === undefined) return `content type ${contentType} is not declared for ${status}`
    // A text form (CSV, an SVG chart, an HTML document) is judged as the string its schema declares.
    const json = contentType === 'application/json' || contentType.endsWith('+json') || contentType.endsWith('ndjson')
    let values: unknown[]
    try {
      values = !json ? [body] : contentType.endsWith('ndjson') ? body.trim().split('\n').map((line) => JSON.parse(line) as unknown) : [JSON.parse(body)]
    } catch {
      return `${status} ${contentType} body is not JSON: ${body.slice(0, 200)}`
    }
    const validate = this.validatorOf(media.schema)
    for (const value of values) {
      if (!validate(value)) return `${status} body does not match its schema: ${this.ajv.errorsText(validate.errors)}`
    }
    return null
  }
}
