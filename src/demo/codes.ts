import type { Catalogs } from '../catalogs/catalogs.js'
import { registrable } from '../catalogs/catalogs.js'
import type { CatalogEntry } from '../catalogs/format.js'

/**
 * The demo's codes, always read from the loaded catalogs (never written
 * down): by official label for the seeds' examples, and as pools of
 * registrable entries for the generated citizens. A label the catalogs lack
 * stops the demo with its name, rather than sending an invented code.
 */
export class DemoCodes {
  constructor (private readonly catalogs: Catalogs, private readonly day: string) {}

  /** The registrable entries of a list in the version in force on the demo's day. */
  entries (list: string): CatalogEntry[] {
    const version = this.catalogs.versionAt(list, this.day)
    if (version === undefined) throw new Error(`demo: no version of ${list} is in force on ${this.day}`)
    return version.entries.filter(registrable)
  }

  entry (list: string, label: string): CatalogEntry {
    const entry = this.entries(list).find((e) => e.label === label)
    if (entry === undefined) throw new Error(`demo: the catalog ${list} has no registrable entry "${label}"`)
    return entry
  }

  code (list: string, label: string): string {
    return this.entry(list, label).code
  }

  /** The funktionsevneniveau or støttebehov code of a level 0–4. */
  level (list: 'funktionsevneniveau' | 'stoettebehov', level: number): string {
    const entry = this.entries(list).find((e) => e.level === level)
    if (entry === undefined) throw new Error(`demo: the catalog ${list} has no level ${level}`)
    return entry.code
  }
}

/** A small deterministic generator (mulberry32): the same demo on every machine. */
export class Dice {
  #state: number
  constructor (seed: number) { this.#state = seed >>> 0 }

  next (): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }

  int (min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('demo: nothing to pick from')
    return items[this.int(0, items.length - 1)]!
  }

  /** `count` distinct items. */
  some<T>(items: readonly T[], count: number): T[] {
    const pool = [...items]
    const chosen: T[] = []
    while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(this.int(0, pool.length - 1), 1)[0]!)
    return chosen
  }

  chance (p: number): boolean {
    return this.next() < p
  }
}
