/** The page's only way out: its own server's /api (same origin; the key never comes back here). */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly problems: FieldProblem[] = []) {
    super(message);
  }
}

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(json?.error?.message ?? `HTTP ${response.status}`, response.status, json?.error?.problems ?? []);
  return json as T;
}

/** The connector's field paths (`items.0.price`, `metadata.a`) as rjsf's nested error schema. */
export function errorSchema(problems: FieldProblem[]): Record<string, any> {
  const root: Record<string, any> = {};
  for (const { field, message } of problems) {
    let node = root;
    if (field !== '(input)') {
      for (const part of field.split(/[.[\]]+/).filter(Boolean)) node = node[part] ??= {};
    }
    (node.__errors ??= []).push(message);
  }
  return root;
}
