import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * PGlite is a database inside one process: two processes on one data
 * directory each believe they own it and corrupt it. So a process holds
 * `<dir>.lock` (beside the directory, which PGlite initialises as it sees
 * fit) with its pid while the database is open. A lock whose process is
 * gone — killed, crashed — is taken over, so a crash never locks the data
 * out for good.
 */

export class DatabaseLockedError extends Error {
  constructor (readonly dir: string, readonly pid: number) {
    super(`the embedded database in ${dir} is in use by another process (pid ${pid}); ` +
      'PGlite serves one process at a time: stop that process first (the server, `npm run clients`, `npm run demo`), ' +
      'or set PGLITE_DIR to another directory')
    this.name = 'DatabaseLockedError'
  }
}

/** Locks this process holds: a second open of the same directory here is refused too. */
const held = new Set<string>()

/** Takes the lock of a PGlite data directory; returns its release. Throws DatabaseLockedError while a live process holds it. */
export function lockDataDir (dir: string): () => void {
  const path = `${resolve(dir)}.lock`
  if (held.has(path)) throw new DatabaseLockedError(resolve(dir), process.pid)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = holderOf(path)
      if (holder !== undefined && alive(holder)) throw new DatabaseLockedError(resolve(dir), holder)
      // Stale: its process is gone (or it is our own pid, left by a container's previous pid 1).
      removeIfHeldBy(path, holder)
      continue
    }
    held.add(path)
    let released = false
    const release = (): void => {
      if (released) return
      released = true
      held.delete(path)
      process.off('exit', release)
      removeIfHeldBy(path, process.pid)
    }
    // process.exit() skips close(): the lock goes with the process all the same.
    process.on('exit', release)
    return release
  }
  throw new Error(`could not take the lock ${path}: it keeps changing hands`)
}

function holderOf (path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function alive (pid: number): boolean {
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function removeIfHeldBy (path: string, pid: number | undefined): void {
  if (holderOf(path) !== pid) return
  try {
    unlinkSync(path)
  } catch {}
}
