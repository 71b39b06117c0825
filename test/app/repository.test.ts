import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { ROOT } from '../helper.js'

/**
 * A path that only exists on one machine (a home or work directory) breaks
 * every other clone. It begins a string, a word or a shell argument — not a
 * URL's path, not a relative path.
 */
const MACHINE_PATH = /(?<![\w.~$:/-])\/(?:work|home|root|Users|mnt|srv)\/[\w.-]/

async function trackedFiles (): Promise<string[] | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['ls-files', '-z'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })
    return stdout.split('\0').filter((file) => file !== '')
  } catch {
    return undefined
  }
}

t.test('the repository', async (t) => {
  const files = await trackedFiles()

  t.test('names no absolute path of a machine in a tracked file', { skip: files === undefined && 'not a git checkout: git ls-files cannot list the tracked files' }, async (t) => {
    t.ok(files!.length > 0, 'git lists the tracked files')
    const found: string[] = []
    for (const file of files!) {
      const text = await readFile(join(ROOT, file), 'utf8').catch(() => '')
      text.split('\n').forEach((line, i) => {
        if (MACHINE_PATH.test(line)) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`)
      })
    }
    t.same(found, [], 'no tracked file names an absolute home or work directory (use FFB_SOURCES or a path relative to the repository)')
  })

  t.test('the check finds such paths and leaves URLs and relative paths alone', async (t) => {
    // Built from parts, so this file does not name such a path itself.
    const abs = (...parts: string[]) => `/${parts.join('/')}`
    for (const line of [`const dir = '${abs('work', 'shared', 'ffb-sources')}'`, `cd ${abs('home', 'dev', 'ffb-api')}`,
      `FFB_SOURCES=${abs('root', 'x')} npm test`, `"path": "${abs('Users', 'me', 'ffb')}"`]) {
      t.match(line, MACHINE_PATH, line)
    }
    for (const line of ['https://example.dk/home/index.html', 'GET /v1/cases/{id}', '../shared/ffb-sources', 'FFB_SOURCES=../shared/ffb-sources',
      '$HOME/.cache/ffb-node', 'node_modules/work/x', 'file:///etc/hosts', '~/work/notes']) {
      t.notMatch(line, MACHINE_PATH, line)
    }
  })
})
