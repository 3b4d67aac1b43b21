import { describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { engines } from '../../helpers/databases.js'
import { emptyDatabasesOfFile } from '../../helpers/empty-database.js'

/** A database with nothing in it on the engine; dropped after the run. */
const emptyDatabase = emptyDatabasesOfFile()

describe.each(engines)('the migration that ties credentials to the people who made them, on existing data (%s)', (engine) => {
  it('learns who made each token and feed, and ends what acted for people deactivated before it', async () => {
    const { db, admin } = await emptyDatabase(engine)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 70),
    )
    const one = async <T = Record<string, any>>(sql: string, values: unknown[] = []) => (await admin.query(sql, values)).rows[0] as T
    const tenant = (await one<{ id: string }>(`insert into tenants (name) values ('Old Data Windows') returning id`)).id
    const person = async (email: string, role: string, gone: boolean) =>
      (
        await one<{ id: string }>(
          `insert into users (tenant_id, email, role, deactivated_at) values ($1, $2, $3, case when $4 then now() - interval '1 day' end) returning id`,
          [tenant, email, role, gone],
        )
      ).id
    const staying = await person('stay@old.test', 'owner', false)
    const gone = await person('gone@old.test', 'owner', true)
    const tech = await person('tech@old.test', 'technician', true)
    let n = 0
    const token = async (madeBy: string | null) => {
      const id = (
        await one<{ id: string }>(`insert into agent_tokens (tenant_id, name, prefix, token_hash) values ($1, $2, $3, $4) returning id`, [
          tenant,
          `token ${++n}`,
          `pre${String(n).padStart(5, '0')}`,
          `hash-${n}`,
        ])
      ).id
      if (madeBy)
        await admin.query(
          `insert into audit_log (tenant_id, entity_type, entity_id, action, actor_type, actor_id) values ($1, 'agent_token', $2, 'create', 'user', $3)`,
          [tenant, id, madeBy],
        )
      return id
    }
    const feed = async (userId: string | null, madeBy: string) => {
      const id = (
        await one<{ id: string }>(
          `insert into calendar_feeds (tenant_id, scope, user_id, token_hash) values ($1, $2, $3, $4) returning id`,
          [tenant, userId ? 'technician' : 'business', userId, `feed-${++n}`],
        )
      ).id
      await admin.query(
        `insert into audit_log (tenant_id, entity_type, entity_id, action, actor_type, actor_id) values ($1, 'calendar_feed', $2, 'create', 'user', $3)`,
        [tenant, id, madeBy],
      )
      return id
    }
    const operators = await token(null)
    const stayingToken = await token(staying)
    const goneToken = await token(gone)
    const goneGrant = await token(null)
    await admin.query(
      `insert into oauth_clients (client_id, source, client_name, redirect_uris) values ('crmc_old', 'registered', 'Old App', array['http://127.0.0.1/cb'])`,
    )
    await admin.query(
      `insert into oauth_codes (tenant_id, token_hash, client_id, agent_token_id, user_id, redirect_uri, code_challenge, resource, expires_at, used_at)
      values ($1, 'code-1', 'crmc_old', $2, $3, 'http://127.0.0.1/cb', 'x', 'http://x/mcp', now(), now())`,
      [tenant, goneGrant, gone],
    )
    const techFeed = await feed(tech, staying)
    const goneBusinessFeed = await feed(null, gone)
    const stayingBusinessFeed = await feed(null, staying)
    await admin.query(
      `insert into magic_links (tenant_id, user_id, token_hash, expires_at) values ($1, $2, 'link-1', now() + interval '10 minutes')`,
      [tenant, tech],
    )
    await admin.query(
      `insert into sessions (tenant_id, user_id, token_hash, csrf_token, expires_at) values ($1, $2, 'session-1', 'c', now() + interval '1 day')`,
      [tenant, tech],
    )

    await migrate(db, files)
    const tokens = (
      await admin.query<{ id: string; created_by: string | null; revoked: boolean }>(
        'select id, created_by, revoked_at is not null as revoked from agent_tokens where tenant_id = $1',
        [tenant],
      )
    ).rows
    const tokenOf = (id: string) => tokens.find((t) => t.id === id)
    expect(tokenOf(operators)).toMatchObject({ created_by: null, revoked: false })
    expect(tokenOf(stayingToken)).toMatchObject({ created_by: staying, revoked: false })
    expect(tokenOf(goneToken)).toMatchObject({ created_by: gone, revoked: true })
    expect(tokenOf(goneGrant)).toMatchObject({ created_by: gone, revoked: true })
    const feeds = (
      await admin.query<{ id: string; created_by: string; revoked: boolean }>(
        'select id, created_by, revoked_at is not null as revoked from calendar_feeds where tenant_id = $1',
        [tenant],
      )
    ).rows
    const feedOf = (id: string) => feeds.find((f) => f.id === id)
    expect(feedOf(techFeed)).toMatchObject({ created_by: staying, revoked: true })
    expect(feedOf(goneBusinessFeed)).toMatchObject({ created_by: gone, revoked: true })
    expect(feedOf(stayingBusinessFeed)).toMatchObject({ created_by: staying, revoked: false })
    expect(await one(`select expires_at <= now() as expired from magic_links where token_hash = 'link-1'`)).toEqual({ expired: true })
    expect(await one(`select ended_at is not null as ended from sessions where token_hash = 'session-1'`)).toEqual({ ended: true })
  }, 120_000)
})
