/** The tools as an agent lists them: tools/list through a real MCP client on an in-memory link. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer, type McpServerOptions } from './server';

export async function listToolsAsAgent(options: McpServerOptions): Promise<Tool[]> {
  const server = createMcpServer(options);
  const client = new Client({ name: 'stripe-connector-playground', version: '1' });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
    await server.close();
  }
}
