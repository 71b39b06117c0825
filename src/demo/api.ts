import type { FastifyInstance } from 'fastify'
import type { DemoCodes } from './codes.js'

/**
 * The demo speaks to the API as a vendor would: every record goes through
 * the app's own routes (app.inject), so every rule, the audit trail and the
 * catalog checks apply. A refusal stops the demo with the route's problem.
 */
export class DemoApi {
  /** Writes made, by what was written (for the summary). */
  readonly counts = new Map<string, number>()

  constructor (private readonly app: FastifyInstance, private readonly headers: Record<string, string>, readonly codes: DemoCodes) {}

  async create (what: string, url: string, payload: object, method: 'POST' | 'PUT' = 'POST'): Promise<{ id: string, location: string, etag?: string }> {
    const res = await this.app.inject({ method, url, headers: this.headers, payload })
    if (res.statusCode !== 201) throw new Error(`demo: ${method} ${url} answered ${res.statusCode}: ${res.body}`)
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1)
    const etag = res.headers.etag
    return { id: res.json<{ id: string }>().id, location: res.headers.location!, ...(typeof etag === 'string' ? { etag } : {}) }
  }

  /** A change to a versioned resource: reads its ETag, sends If-Match. */
  async patch (url: string, payload: object): Promise<void> {
    const current = await this.app.inject({ method: 'GET', url, headers: this.headers })
    const res = await this.app.inject({ method: 'PATCH', url, payload, headers: { ...this.headers, 'if-match': String(current.headers.etag) } })
    if (res.statusCode !== 200) throw new Error(`demo: PATCH ${url} answered ${res.statusCode}: ${res.body}`)
  }

  async register (caseUrl: string, theme: 'funktioner-og-forhold' | 'omgivelsesfaktorer' | 'aktivitet-og-deltagelse',
    undertema: string, registeredAt: string, funktionsevneniveau?: string): Promise<void> {
    await this.create('registrations', `${caseUrl}/investigation/${theme}`, { undertema, registeredAt, ...(funktionsevneniveau === undefined ? {} : { funktionsevneniveau }) })
  }
}

/** Danish local time on a day, as an instant with the offset in force (CET or CEST). */
export function at (day: string, time: string): string {
  const month = Number(day.slice(5, 7))
  // Close enough for a demo's daytime stamps: summer time from April to October.
  return `${day}T${time}:00${month >= 4 && month <= 10 ? '+02:00' : '+01:00'}`
}

export function addDays (day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
