/** `stripe-connector mcp`: the MCP server over stdio (loaded only for this command: the SDK costs ~180 ms to load). */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { clientFromEnv } from '../cli-input';
import { createMcpServer } from './server';

export async function runMcpCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { tools: { type: 'string', multiple: true }, 'read-only': { type: 'boolean' }, 'allow-live-writes': { type: 'boolean' } },
  });
  const server = createMcpServer({
    client: clientFromEnv(),
    // --tools a,b and --tools a --tools b alike.
    tools: values.tools?.flatMap((list) => list.split(',')),
    readOnly: values['read-only'] ?? false,
    allowLiveWrites: values['allow-live-writes'] ?? false,
  });
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve;
  });
  await server.connect(new StdioServerTransport());
  // The client ends the session by closing our stdin.
  process.stdin.once('end', () => void server.close());
  await closed;
  return 0;
}
