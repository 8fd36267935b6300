/** `stripe-connector mcp`: the MCP server over stdio (loaded only for this command: the SDK costs ~180 ms to load). */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../mcp/server';
import type { CommandHandler } from './commands';
import { clientFromEnv } from './input';
import { StripeInputValidationError } from '../../client/errors';

/** `--result-budget 40000` or `40kb`: bytes of JSON one list or search result may take. */
function resultBudget(text: string): number {
  const match = /^(\d+)\s*(kb|k)?$/i.exec(text.trim());
  const bytes = match ? Number(match[1]) * (match[2] ? 1000 : 1) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 2_000) {
    throw new StripeInputValidationError('Invalid option', [{ field: 'result-budget', message: 'expected bytes of at least 2000, e.g. 80000 or 80kb' }]);
  }
  return bytes;
}

export const mcpCommand: CommandHandler = async ({ values }) => {
  const server = createMcpServer({
    client: clientFromEnv(),
    // --tools a,b and --tools a --tools b alike.
    tools: (values.tools as string[] | undefined)?.flatMap((list) => list.split(',')),
    readOnly: values['read-only'] === true,
    allowLiveWrites: values['allow-live-writes'] === true,
    outputSchemas: values['output-schemas'] === true,
    resultBudget: values['result-budget'] === undefined ? undefined : resultBudget(values['result-budget'] as string),
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
