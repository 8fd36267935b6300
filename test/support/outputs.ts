import { z } from 'zod';
import type { Output } from '../../schemas/objects/define';

/** Fails with every field the schema refuses (path and reason), not just "did not match". */
export function expectMatchesOutput(output: Output | undefined, value: unknown, what: string): void {
  if (!output) throw new Error(`${what} declares no output schema`);
  const parsed = output.schema.safeParse(value);
  if (!parsed.success) throw new Error(`${what} does not match its output schema:\n${z.prettifyError(parsed.error)}`);
}
