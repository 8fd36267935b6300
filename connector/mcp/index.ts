/**
 * The MCP server as a library, for a host that mounts it on its own transport (Streamable HTTP,
 * SSE...). Kept out of the main entry point: the MCP SDK takes ~180 ms to load, and a host that only
 * runs actions should not pay it.
 */
export { createMcpServer } from './server';
export type { McpServerOptions } from './server';
export { DerivedKeys, DEFAULT_IDEMPOTENCY_WINDOW_MS } from './derived-keys';
export type { DerivedKeyOptions } from './derived-keys';
