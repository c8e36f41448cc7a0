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
    // Release the unread body, or the connection stays busy (and the browser never goes idle).
    await response.body?.cancel().catch(() => {});
    throw new FetchError(url, response.status, `${url}: HTTP ${response.status}`);
  }
  return response.text();
}
