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

export function datasetUrl(datasetId: string, relativePath: string): string {
  return `datasets/${encodeURIComponent(datasetId)}/${relativePath}`;
}

export async function fetchText(url: string, init?: RequestInit): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new FetchError(url, null, `Could not reach ${url}: ${String(error)}`);
  }
  if (!response.ok) {
    throw new FetchError(url, response.status, `${url}: HTTP ${response.status}`);
  }
  return response.text();
}
