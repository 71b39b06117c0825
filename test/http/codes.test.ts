import t from 'tap'
import { buildTestApp, createTestClient } from '../helper.js'
import { FF, MAALGRUPPE, MAALTYPE, STOETTEBEHOV } from '../support/codes.js'
import { aCase, aDecision, aGoal, aNote, decisionPayload, made, type Json } from '../support/factories.js'

/**
 * One shape for a code: answers give `{ code, label }`; a request takes
 * `{ code }` (a label along is not read) or, for short, the bare code — so
 * what a client read can be sent back as it is.
 */

t.test('a coded field takes { code }, { code, label } or the bare code', async (t) => {
  const app = await buildTestApp(t)
  const { headers } = await createTestClient(app)
  const caseUrl = (await aCase(app, headers, { diagnoser: ['Angst'] })).location
  const send = async (method: 'POST' | 'PATCH', url: string, payload: object, extra: Record<string, string> = {}) =>
    await app.inject({ method, url, headers: { ...headers, ...extra }, payload })

  t.test('objects in a create, the stored code and the catalog\'s label answered', async (t) => {
    const goal = await aGoal(app, headers, caseUrl, { maaltype: { code: MAALTYPE.udvikle } })
    t.same(goal.body.maaltype, { code: MAALTYPE.udvikle, label: 'Udvikle funktionsevne' })
    const decision = await made(app, headers, `${caseUrl}/decisions`, decisionPayload({
      goals: [goal.id],
      stoettebehov: { ...decisionPayload().stoettebehov, code: { code: STOETTEBEHOV.let } },
      maalgrupper: {
        primaer: { code: MAALGRUPPE.angst, label: 'a label of the client\'s, not read' },
        oevrige: [{ code: MAALGRUPPE.depression }, MAALGRUPPE.stofmisbrug],
        registeredAt: '2023-01-01T12:00:00+01:00'
      }
    }))
    t.same(decision.body.maalgrupper.primaer, { code: MAALGRUPPE.angst, label: 'Angst' }, 'the catalog\'s label, not the one sent')
    t.same(decision.body.maalgrupper.oevrige.map((m: Json) => m.code), [MAALGRUPPE.depression, MAALGRUPPE.stofmisbrug])
    t.equal(decision.body.stoettebehov[0].code, STOETTEBEHOV.let)
    const note = await aNote(app, headers, caseUrl, { tags: [{ code: FF.oekonomiskSituation }] })
    t.same(note.body.tags.map((tag: Json) => tag.code), [FF.oekonomiskSituation])
  })

  t.test('what was read goes back as it is', async (t) => {
    const decision = await aDecision(app, headers, caseUrl, { maalgrupper: { primaer: MAALGRUPPE.angst, registeredAt: '2023-01-01T12:00:00+01:00' } })
    const read = (await app.inject({ method: 'GET', url: `/v1/decisions/${decision.id}`, headers })).json<Json>()
    const res = await send('PATCH', `/v1/decisions/${decision.id}`, {
      maalgrupper: { primaer: read.maalgrupper.primaer, oevrige: [{ code: MAALGRUPPE.depression, label: 'Depression' }] }
    }, { 'if-match': decision.etag! })
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json().maalgrupper.oevrige, [{ code: MAALGRUPPE.depression, label: 'Depression' }])
  })

  t.test('a wrong code is a 400 naming the field, in either shape', async (t) => {
    for (const primaer of ['not-a-code', { code: 'not-a-code' }]) {
      const res = await send('POST', `${caseUrl}/decisions`, decisionPayload({ goals: [], maalgrupper: { primaer, registeredAt: '2023-01-01T12:00:00+01:00' } }))
      t.match(res.json().errors, [{ pointer: '/maalgrupper/primaer', code: 'enum', message: /Målgrupper/ }], 'a code not of the list: the list named')
    }
    for (const primaer of ['not-a-code', { code: 'not-a-code' }, { code: MAALGRUPPE.angst, extra: 1 }, { label: 'Angst' }, { code: 5 }]) {
      const res = await send('POST', `${caseUrl}/decisions`, decisionPayload({ goals: [], maalgrupper: { primaer, registeredAt: '2023-01-01T12:00:00+01:00' } }))
      t.equal(res.statusCode, 400, JSON.stringify(primaer))
      const errors = res.json().errors as Array<{ pointer: string, code: string }>
      t.same([...new Set(errors.map((e) => e.pointer))], ['/maalgrupper/primaer'], `${JSON.stringify(primaer)}: at the field, nowhere else`)
    }
    const duplicate = await send('POST', `${caseUrl}/notes`, { tekst: 'x', forfatterrolle: 'udfoerer', tags: [FF.oekonomiskSituation, { code: FF.oekonomiskSituation }] })
    t.equal(duplicate.statusCode, 400, 'the same code twice, in two shapes, is still the same code twice')
  })
})
