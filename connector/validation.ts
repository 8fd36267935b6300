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
    problems.push({ field: base || '(input)', message: issue.message });
  }
  return problems;
}
