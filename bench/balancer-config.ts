import { DEFAULT_DATABASE_LIMITS, type DatabaseLimits } from '../core/db/limits.js'

/*
 * The configuration of PgBouncer and HAProxy in front of several server processes, written from one place: the test
 * of many processes, the balancer bench and docs/many-processes.md all show or run what these functions write.
 */

/** PgBouncer in transaction mode in front of one PostgreSQL database. */
export interface PoolerSettings {
  /** Where PgBouncer listens. */
  listenPort: number
  /** The name clients put in DATABASE_URL. */
  alias: string
  /** The PostgreSQL server and database behind it. */
  host: string
  port: number
  dbname: string
  /** Connections to PostgreSQL per user and database: what PostgreSQL sees, however many processes connect. */
  poolSize: number
  /** Client connections PgBouncer accepts in all: every process's pool (20 each) with room to spare. */
  maxClientConnections: number
  /** The file naming the users PgBouncer lets in. */
  authFile: string
  /** trust for a local test; scram-sha-256 with passwords in the auth file anywhere else. */
  authType: 'trust' | 'scram-sha-256'
  /** The server-side time limits the product would otherwise send when connecting (see ignore_startup_parameters). */
  limits: Pick<DatabaseLimits, 'statementTimeoutMs' | 'idleInTransactionTimeoutMs'>
}

/** pgbouncer.ini for the settings. */
export function pgbouncerIni(s: PoolerSettings): string {
  // PgBouncer 1.18 refuses a connection that sends statement_timeout or idle_in_transaction_session_timeout, as pg does
  // from the product's limits: it is told to ignore them and sets them itself on each connection it opens to PostgreSQL.
  const limits = `SET statement_timeout = ${s.limits.statementTimeoutMs}; SET idle_in_transaction_session_timeout = ${s.limits.idleInTransactionTimeoutMs}`
  return [
    '[databases]',
    `${s.alias} = host=${s.host} port=${s.port} dbname=${s.dbname} connect_query='${limits}'`,
    '',
    '[pgbouncer]',
    `listen_addr = 127.0.0.1`,
    `listen_port = ${s.listenPort}`,
    'unix_socket_dir =',
    `auth_type = ${s.authType}`,
    `auth_file = ${s.authFile}`,
    'pool_mode = transaction',
    `default_pool_size = ${s.poolSize}`,
    `max_client_conn = ${s.maxClientConnections}`,
    `max_db_connections = ${s.poolSize}`,
    'ignore_startup_parameters = statement_timeout,idle_in_transaction_session_timeout',
    // A client waits this long for a server connection before PgBouncer gives up on it (the product's own limit is shorter).
    'query_wait_timeout = 30',
    '',
  ].join('\n')
}

/** The auth file of a trust setup: only the user name counts. */
export function pgbouncerUsers(user: string): string {
  return `"${user}" ""\n`
}

/** One server process behind the balancer. */
export interface BalancedServer {
  name: string
  host: string
  port: number
}

/** HAProxy in front of server processes. */
export interface BalancerSettings {
  listenPort: number
  servers: BalancedServer[]
  /** How often HAProxy asks each server GET /readyz. */
  checkIntervalMs: number
}

/** haproxy.cfg for the settings. */
export function haproxyCfg(s: BalancerSettings): string {
  return [
    'global',
    '    maxconn 1000',
    '',
    'defaults',
    '    mode http',
    '    option httplog',
    '    option forwardfor',
    // A request whose connection could not be opened (a server that just died) goes to another server; one that was
    // sent is never sent again, so a write is never repeated by the balancer.
    '    retries 2',
    '    retry-on conn-failure',
    '    option redispatch 1',
    '    timeout connect 2s',
    '    timeout client 60s',
    // Longer than the longest request the product answers (its statement limit is 15 s).
    '    timeout server 60s',
    '    timeout http-request 10s',
    '',
    'frontend crm',
    `    bind 127.0.0.1:${s.listenPort}`,
    '    default_backend servers',
    '',
    'backend servers',
    '    balance roundrobin',
    '    option httpchk GET /readyz',
    '    http-check expect status 200',
    `    default-server check inter ${s.checkIntervalMs}ms fall 2 rise 2`,
    ...s.servers.map((v) => `    server ${v.name} ${v.host}:${v.port}`),
    '',
  ].join('\n')
}

/** The pooler of docs/many-processes.md: one database, 20 connections to PostgreSQL for every process together. */
export const EXAMPLE_POOLER: PoolerSettings = {
  listenPort: 6432,
  alias: 'crm',
  host: '127.0.0.1',
  port: 5432,
  dbname: 'crm',
  poolSize: 20,
  maxClientConnections: 200,
  authFile: '/etc/pgbouncer/userlist.txt',
  authType: 'scram-sha-256',
  limits: DEFAULT_DATABASE_LIMITS,
}

/** The balancer of docs/many-processes.md: three server processes on one machine. */
export const EXAMPLE_BALANCER: BalancerSettings = {
  listenPort: 8080,
  servers: [1, 2, 3].map((n) => ({ name: `crm${n}`, host: '127.0.0.1', port: 3000 + n })),
  checkIntervalMs: 1000,
}
