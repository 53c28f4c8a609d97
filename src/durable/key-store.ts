/**
 * @module durable/key-store
 * One global KeyStore (named "global"): the tenant API keys. It stores, per key, its public id, tenant,
 * name and the SHA-256 of the whole key; never the key itself, which the caller sees once at creation.
 * Lookups go by id (the part of `eak_<id>_<secret>` before the secret), so verifying a key is one
 * indexed read here plus a constant-time digest compare in the Worker (worker/auth).
 * A key name is unique among a tenant's active keys; revoked keys stay as rows (revoked_at set) so
 * an audit can still say which key did what.
 */
import { DurableObject } from 'cloudflare:workers';

/** What the Worker needs to verify a presented key and scope the request. */
export interface KeyRecord {
  readonly id: string;
  readonly tenant: string;
  readonly name: string;
  /** Lowercase hex SHA-256 of the full key string. */
  readonly hash: string;
  readonly created_at: string;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, hash TEXT NOT NULL,
     created_at TEXT NOT NULL, revoked_at TEXT)`,
  // Partial index: a name may be reused once its previous key is revoked.
  `CREATE UNIQUE INDEX IF NOT EXISTS api_keys_active_name ON api_keys (tenant, name) WHERE revoked_at IS NULL`,
];

type Row = Record<string, SqlStorageValue>;

export class KeyStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const ddl of SCHEMA) this.sql.exec(ddl);
  }

  /** Adds a key; false when the tenant already has an active key of that name (nothing written). */
  create(record: KeyRecord): boolean {
    const taken = this.sql.exec('SELECT 1 FROM api_keys WHERE tenant = ? AND name = ? AND revoked_at IS NULL', record.tenant, record.name).toArray().length > 0;
    if (taken) return false;
    this.sql.exec('INSERT INTO api_keys (id, tenant, name, hash, created_at) VALUES (?, ?, ?, ?, ?)', record.id, record.tenant, record.name, record.hash, record.created_at);
    return true;
  }

  /** The active key with this id, or null (unknown or revoked). */
  lookup(id: string): KeyRecord | null {
    const rows = this.sql.exec<Row>('SELECT * FROM api_keys WHERE id = ? AND revoked_at IS NULL', id).toArray();
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  /** Revokes the tenant's active key of that name; returns its id (for cache eviction) or null. */
  revoke(tenant: string, name: string): string | null {
    const rows = this.sql.exec<Row>('SELECT id FROM api_keys WHERE tenant = ? AND name = ? AND revoked_at IS NULL', tenant, name).toArray();
    if (rows.length === 0) return null;
    const id = String(rows[0].id);
    this.sql.exec('UPDATE api_keys SET revoked_at = ? WHERE id = ?', new Date().toISOString(), id);
    return id;
  }

  /** The tenant's active keys, without hashes. */
  list(tenant: string): { name: string; id: string; created_at: string }[] {
    return this.sql
      .exec<Row>('SELECT id, name, created_at FROM api_keys WHERE tenant = ? AND revoked_at IS NULL ORDER BY name', tenant)
      .toArray()
      .map((r) => ({ name: String(r.name), id: String(r.id), created_at: String(r.created_at) }));
  }
}

function toRecord(r: Row): KeyRecord {
  return { id: String(r.id), tenant: String(r.tenant), name: String(r.name), hash: String(r.hash), created_at: String(r.created_at) };
}
