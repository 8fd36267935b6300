/** `stripe-connector mcp`: the MCP server over stdio (loaded only for this command: the SDK costs ~180 ms to load). */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../mcp/server';
import type { CommandHandler } from './commands';
import { clientFromEnv } from './input';

export const mcpCommand: CommandHandler = async ({ values }) => {
  const server = createMcpServer({
    client: clientFromEnv(),
    // --tools a,b and --tools a --tools b alike.
    tools: (values.tools as string[] | undefined)?.flatMap((list) => list.split(',')),
    readOnly: values['read-only'] === true,
    allowLiveWrites: values['allow-live-writes'] === true,
  });
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  await server.connect(new StdioServerTransport());
  // The client ends the session by closing our stdin.
  process.stdin.once('end', () => void server.close());
  await closed;
  return 0;
};
