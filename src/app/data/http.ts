/**
 * The app's one way to the network: every dataset file and API call goes through here, with URLs
 * relative to the page so the app works from any static host and under any path.
 */

/** A request that failed: `status` is the HTTP status, or null when the network itself failed. */
export class FetchError extends Error {
  readonly url: string;
  readonly status: number | null;
  constructor(url: string, status: number | null, message: string) {
    super(message);
    this.name = 'FetchError';
    this.url = url;
    this.status = status;
  }
  get notFound(): boolean {
    return this.status === 404;
  }
}

declare global {
  interface Window {
    /** Requests index.html started before the app loaded, by URL (see its inline script). */
    __earlyFetches?: Record<string, Promise<Response> | undefined>;
  }
}

/** A response index.html already asked for, handed out once (a retry fetches afresh). */
export function takeEarlyFetch(url: string): Promise<Response> | undefined {
  const early = typeof window === 'undefined' ? undefined : window.__earlyFetches;
  const response = early?.[url];
  if (early && response) delete early[url];
  return response;
}

export async function fetchText(url: string, init?: RequestInit): Promise<string> {
  let response: Response;
  try {
    response = await (takeEarlyFetch(url) ?? fetch(url, init));
  } catch (error) {
    throw new FetchError(url, null, `Could not reach ${url}: ${String(error)}`);
  }
  if (!response.ok) {
    const reason = await errorMessage(response);
    throw new FetchError(
      url,
      response.status,
      `${url}: HTTP ${response.status}${reason ? `: ${reason}` : ''}`,
    );
  }
  return response.text();
}

/**
 * What the server said went wrong (the message of its `{error: {message}}` body, which names the
 * file and field of damaged data), or null. Reads only a short JSON body; any other body is
 * released unread, or the connection stays busy (and the browser never goes idle).
 */
async function errorMessage(response: Response): Promise<string | null> {
  const type = response.headers.get('content-type') ?? '';
  const length = Number(response.headers.get('content-length') ?? Infinity);
  if (!type.startsWith('application/json') || !(length <= 16_384)) {
    await response.body?.cancel().catch(() => {});
    return null;
  }
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    const message = body.error?.message;
    return typeof message === 'string' ? message.slice(0, 1000) : null;
  } catch {
    return null;
  }
}
