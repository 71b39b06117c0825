import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { DatabaseLockedError, lockDataDir } from '../../src/db/pglite-lock.js'

/** A process that is alive until the test ends. */
function aLiveProcess (t: Test): number {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'])
  t.teardown(() => { child.kill('SIGKILL') })
  return child.pid!
}

t.test('a data directory held by a live process is refused, naming the directory, the holder and what to do', async (t) => {
  const dir = join(t.testdir(), 'pglite')
  const holder = aLiveProcess(t)
  writeFileSync(`${dir}.lock`, `${holder}\n`)
  const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  t.throws(() => lockDataDir(dir), {
    name: 'DatabaseLockedError',
    message: new RegExp(`^the embedded database in ${escaped} is in use by another process \\(pid ${holder}\\); .*stop that process first`)
  })
  t.equal(readFileSync(`${dir}.lock`, 'utf8'), `${holder}\n`, 'the holder keeps its lock')
})

t.test('a lock left by a process that is gone is taken over, and released on close', async (t) => {
  const dir = join(t.testdir(), 'pglite')
  const gone = spawn(process.execPath, ['-e', '0'])
  await new Promise((resolve) => gone.on('exit', resolve))
  writeFileSync(`${dir}.lock`, `${gone.pid!}\n`)
  const release = lockDataDir(dir)
  t.equal(readFileSync(`${dir}.lock`, 'utf8'), `${process.pid}\n`)
  t.throws(() => lockDataDir(dir), DatabaseLockedError, 'a second open in the same process is refused too')
  release()
  t.notOk(existsSync(`${dir}.lock`), 'closing removes the lock')
})
