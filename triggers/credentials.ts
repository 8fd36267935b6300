/**
 * The CLI's credential store: connections kept in Redis encrypted with AES-256-GCM under a key from
 * CONNECTOR_ENCRYPTION_KEY (32 bytes, as 64 hex characters or base64). Without that key nothing is
 * stored. Each record is bound to its reference (GCM additional data), so a ciphertext copied to
 * another reference does not decrypt. Library hosts bring their own store and pass a resolver.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { isRedisCluster, type RedisClient } from './redis';
import type { ConnectionConfig } from '../client/connection';
import type { TriggerKeys } from './keys';
import type { CredentialResolver } from './runner';

export const ENCRYPTION_KEY_ENV = 'CONNECTOR_ENCRYPTION_KEY';
export const MAKE_KEY_HINT = `set ${ENCRYPTION_KEY_ENV} to 32 random bytes as 64 hex characters (make one with: openssl rand -hex 32) or as base64 (openssl rand -base64 32)`;

export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(`${message}: ${MAKE_KEY_HINT}`);
    this.name = 'EncryptionKeyError';
  }
}

/** The 32-byte key from its text form; throws saying how to make one. */
export function parseEncryptionKey(text: string | undefined): Buffer {
  const value = text?.trim();
  if (!value) throw new EncryptionKeyError(`${ENCRYPTION_KEY_ENV} is not set; credentials are never stored unencrypted`);
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{42,43}=?$|^[A-Za-z0-9_-]{43}$/.test(value)) {
    const bytes = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new EncryptionKeyError(`${ENCRYPTION_KEY_ENV} is not 32 bytes as 64 hex characters or base64`);
}

interface Sealed {
  v: 1;
  iv: string;
  tag: string;
  data: string;
}

export function seal(key: Buffer, ref: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(ref));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const sealed: Sealed = { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  return JSON.stringify(sealed);
}

export function open(key: Buffer, ref: string, text: string): string {
  const sealed = JSON.parse(text) as Sealed;
  if (sealed.v !== 1) throw new Error(`unknown credential record version ${String(sealed.v)}`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(ref));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`cannot decrypt the credentials of ${ref}: wrong ${ENCRYPTION_KEY_ENV} or a tampered record`);
  }
}

/** A reference for a connection that names no secret: a hash of key + account, truncated. */
export function connectionRef(config: ConnectionConfig): string {
  const digest = createHash('sha256').update(`stripe-connector-ref:${config.secret_key}:${config.stripe_account ?? ''}`).digest('hex');
  return `conn-${digest.slice(0, 16)}`;
}

export class EncryptedCredentialStore {
  private readonly key: Buffer;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: TriggerKeys,
    encryptionKey: string | Buffer | undefined = process.env[ENCRYPTION_KEY_ENV],
  ) {
    this.key = Buffer.isBuffer(encryptionKey) ? encryptionKey : parseEncryptionKey(encryptionKey);
    if (this.key.length !== 32) throw new EncryptionKeyError('the encryption key must be 32 bytes');
  }

  private redisKey(ref: string): string {
    return this.keys.cred(ref);
  }

  /** Stores the connection encrypted; returns its reference. */
  async save(config: ConnectionConfig): Promise<string> {
    const ref = connectionRef(config);
    await this.redis.set(this.redisKey(ref), seal(this.key, ref, JSON.stringify(config)));
    return ref;
  }

  async load(ref: string): Promise<ConnectionConfig> {
    const text = await this.redis.get(this.redisKey(ref));
    if (text === null) throw new Error(`no stored credentials for connection ${ref}; subscribe again with STRIPE_SECRET_KEY set`);
    return JSON.parse(open(this.key, ref, text)) as ConnectionConfig;
  }

  /** See deleteUnusedCredentials. */
  deleteIfUnused(ref: string, referencedRefs: () => Promise<Iterable<string>>): Promise<boolean> {
    return deleteUnusedCredentials(this.redis, this.keys, ref, referencedRefs);
  }

  resolver(): CredentialResolver {
    return (_subscriptionId, ref) => this.load(ref);
  }
}

/**
 * Deletes the sealed record of `ref` when no subscription refers to it any more (after an unsubscribe,
 * or a re-subscribe with another key); needs no encryption key. WATCHes the record: a concurrent save
 * of the same ref (a subscribe in another process) aborts the delete, and `subscribe` saves again
 * after storing the subscription, so a delete that slipped in between is undone. Returns whether it
 * deleted.
 */
export async function deleteUnusedCredentials(
  redis: RedisClient,
  keys: TriggerKeys,
  ref: string,
  referencedRefs: () => Promise<Iterable<string>>,
): Promise<boolean> {
  // Its own connection, as WATCH holds per connection (a Cluster's copy sends the WATCH and the MULTI
  // to the record's node over one). The two arms differ only in type: duplicate() on the union.
  const conn: RedisClient = isRedisCluster(redis) ? redis.duplicate() : redis.duplicate();
  conn.on('error', () => undefined);
  try {
    const key = keys.cred(ref);
    await conn.watch(key);
    if (new Set(await referencedRefs()).has(ref)) {
      await conn.unwatch();
      return false;
    }
    const result = await conn.multi().del(key).exec();
    return result !== null && Number(result[0]?.[1]) === 1;
  } finally {
    await conn.quit().catch(() => conn.disconnect());
  }
}
