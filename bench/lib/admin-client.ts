// The admin API (/api/v1) as the bench uses it: create agents, quotas and policies, publish.
// The admin token stays in this object; errors name the route and the API's message only.

export class AdminClient {
  readonly #baseUrl: string;
  readonly #token: string;

  constructor(baseUrl: string, token: string) {
    this.#baseUrl = baseUrl;
    this.#token = token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.#baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`admin api: ${method} ${path}: ${response.status}: ${errorMessageOf(text)}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  }
}

function errorMessageOf(text: string): string {
  try {
    return String((JSON.parse(text) as { error?: unknown }).error ?? text.slice(0, 200));
  } catch {
    return text.slice(0, 200);
  }
}

/** Runs `work` over `items` with at most `limit` calls in flight; rejects on the first failure. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(lanes);
}
