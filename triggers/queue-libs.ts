/**
 * BullMQ and ioredis, loaded when a trigger service or worker is made, never at import: a host that
 * only runs actions does not pay their ~150 ms load.
 */
export function bullmq(): typeof import('bullmq') {
  return require('bullmq') as typeof import('bullmq');
}

export function ioredis(): typeof import('ioredis') {
  return require('ioredis') as typeof import('ioredis');
}
