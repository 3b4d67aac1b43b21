import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../core/kernel/config.js'
import { migrate } from '../../../core/db/migrate.js'
import { openPostgres } from '../../../core/db/postgres.js'
import { DEFAULT_ROLES, rolesFor, withRoles } from '../../../core/db/roles.js'
import { withTenant } from '../../../core/db/tenant.js'
import type { Database } from '../../../core/db/types.js'
import { asServerAdmin } from '../../helpers/deploy-database.js'

describe('role names of an installation', () => {
  it('are the written ones by default, and the prefix chosen otherwise, in every place a migration names them', () => {
    const sql = 'grant select on t to crm_app; grant crm_sign_in to x; revoke all on f from crm_worker; select my_crm_app_x'
    expect(withRoles(sql, DEFAULT_ROLES)).toBe(sql)
    expect(withRoles(sql, rolesFor('shop2'))).toBe(
      'grant select on t to shop2_app; grant shop2_sign_in to x; revoke all on f from shop2_worker; select my_crm_app_x',
    )
  })

  it('come from CRM_DB_ROLE_PREFIX, which must be a short lower-case name', () => {
    expect(loadConfig({}).databaseRolePrefix).toBe('crm')
    expect(loadConfig({ CRM_DB_ROLE_PREFIX: 'shop2' }).databaseRolePrefix).toBe('shop2')
    for (const bad of ['Shop', '2shop', 'shop-2', 'a;drop', 'x'.repeat(42)])
      expect(() => loadConfig({ CRM_DB_ROLE_PREFIX: bad })).toThrow(/CRM_DB_ROLE_PREFIX/)
  })
})

const server = process.env.TEST_DATABASE_URL
describe.skipIf(!server)('two installations on one PostgreSQL server, each with its own roles', () => {
  const tag = randomBytes(4).toString('hex')
  const installs = ['a', 'b'].map((n) => ({
    owner: `crm_test_owner_${n}_${tag}`,
    database: `crm_test_roles_${n}_${tag}`,
    prefix: `t${tag}${n}`,
  }))
  const dbs: Database[] = []
  const urlOf = (owner: string, database: string) => {
    const u = new URL(server as string)
    u.username = owner
    u.password = ''
    u.pathname = `/${database}`
    return u.toString()
  }

  beforeAll(async () => {
    for (const i of installs) {
      // As docs/deploy.md makes an installation's owner: may log in and create roles, no superuser.
      await asServerAdmin(server as string, `create role ${i.owner} login createrole`)
      await asServerAdmin(server as string, `create database ${i.database} owner ${i.owner} template template0`)
      const db = openPostgres(urlOf(i.owner, i.database), 2, undefined, { roles: rolesFor(i.prefix) })
      dbs.push(db)
      await migrate(db)
    }
  }, 240_000)

  afterAll(async () => {
    for (const db of dbs) await db.close()
    for (const i of installs) await asServerAdmin(server as string, `drop database if exists ${i.database} with (force)`)
    for (const i of installs) {
      for (const role of Object.values(rolesFor(i.prefix))) await asServerAdmin(server as string, `drop role if exists ${role}`)
      await asServerAdmin(server as string, `drop role if exists ${i.owner}`)
    }
  })

  it('runs requests as its own app role', async () => {
    for (const [n, i] of installs.entries()) {
      const who = await withTenant(dbs[n], { tenantId: randomUUID(), actorType: 'system' }, (tx) =>
        tx.query<{ u: string }>('select current_user as u'),
      )
      expect(who.rows[0].u).toBe(`${i.prefix}_app`)
    }
  })

  it("gives neither owner the other's roles nor the default ones", async () => {
    const members = await dbs[0].query<{ role: string; member: string }>(
      `select g.rolname as role, m.rolname as member from pg_auth_members a
         join pg_roles g on g.oid = a.roleid join pg_roles m on m.oid = a.member
        where m.rolname = any($1)`,
      [installs.map((i) => i.owner)],
    )
    const held = members.rows.map((r) => `${r.member} ${r.role}`).sort()
    expect(held).toEqual(installs.flatMap((i) => Object.values(rolesFor(i.prefix)).map((role) => `${i.owner} ${role}`)).sort())
  })

  it("refuses one installation's owner the other's app role, in the other's database", async () => {
    const intruder = openPostgres(urlOf(installs[0].owner, installs[1].database), 1)
    try {
      await expect(intruder.exec(`set role ${installs[1].prefix}_app`)).rejects.toThrow(/permission denied/)
      await expect(intruder.exec('set role crm_app')).rejects.toThrow(/permission denied|does not exist/)
    } finally {
      await intruder.close()
    }
  })
})
