import type { z } from 'zod';
import type { FieldProblem } from './errors';

/** zod issues as field problems, one per offending field, each named by its dotted path. */
export function zodProblems(error: z.ZodError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ field: base ? `${base}.${key}` : key, message: 'unknown field' });
      }
      continue;
    }
    // A bad record key (a metadata key) nests the reason: report that, not "Invalid key in record".
    const nested = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
    problems.push({ field: base || '(input)', message: nested ?? issue.message });
  }
  return problems;
}
