import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * The Chromium the browser tests drive through playwright-core (which
 * brings no browser of its own): CHROMIUM_PATH as given (a wrong one fails
 * the test), else `chromium` on PATH (Debian's package); undefined without
 * one, and the tests are reported as skipped.
 */
export function findChromium (): string | undefined {
  const given = process.env.CHROMIUM_PATH
  if (given !== undefined && given !== '') return given
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '').map((dir) => join(dir, 'chromium')).find((file) => {
    try {
      accessSync(file, constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

export const NO_CHROMIUM = 'no Chromium: install Debian\'s chromium or set CHROMIUM_PATH (see test/README.md)'
