/** Monotonic milliseconds (fractional): every time the soak records comes from this one clock. */
export const now = (): number => performance.now();

export interface CallRequest {
  /** the server, `http://127.0.0.1:port` */
  url: string;
  /** the procedure, `validation.validate` */
  path: string;
  kind: 'query' | 'mutation';
  /** sent as `Authorization: Bearer …` */
  token: string;
  input: unknown;
  timeoutMs: number;
}

export interface CallOutcome {
  /** HTTP status; 0 when no answer came (refused connection, reset, timeout) */
  status: number;
  /**
   * How the call ended, as the table shows it: `OK`, the tRPC error code and HTTP status
   * (`TOO_MANY_REQUESTS / 429`), `HTTP <status>` when the body names no code, `timeout`, or
   * `no answer (<cause>)`.
   */
  outcome: string;
  /** `result.data` of a success */
  data: unknown;
  /** just before the request went out */
  sentAt: number;
  /** when the response headers arrived (the server decided before that) */
  answeredAt: number;
}

/**
 * One tRPC call over plain `fetch`, as any HTTP client makes it (no tRPC client library): a
 * query is a GET with `?input=`, a mutation a POST with a JSON body. Never throws.
 */
export async function callProcedure(request: CallRequest): Promise<CallOutcome> {
  const query = request.kind === 'query' ? `?input=${encodeURIComponent(JSON.stringify(request.input))}` : '';
  const sentAt = now();
  try {
    const response = await fetch(`${request.url}/trpc/${request.path}${query}`, {
      method: request.kind === 'query' ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${request.token}`,
        ...(request.kind === 'mutation' ? { 'content-type': 'application/json' } : {}),
      },
      body: request.kind === 'mutation' ? JSON.stringify(request.input) : undefined,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const answeredAt = now();
    const body = parseJson(await response.text());
    if (response.ok)
      return { status: response.status, outcome: 'OK', data: field(body, 'result', 'data'), sentAt, answeredAt };
    const code = field(body, 'error', 'data', 'code');
    const outcome = typeof code === 'string' ? `${code} / ${response.status}` : `HTTP ${response.status}`;
    return { status: response.status, outcome, data: undefined, sentAt, answeredAt };
  } catch (error) {
    return { status: 0, outcome: failureName(error), data: undefined, sentAt, answeredAt: now() };
  }
}

/** `value[a][b]…`, or undefined where the path leaves the objects. */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const name of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function failureName(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timeout';
  const cause = field(error, 'cause', 'code');
  return `no answer (${typeof cause === 'string' ? cause : error instanceof Error ? error.message : 'unknown'})`;
}
