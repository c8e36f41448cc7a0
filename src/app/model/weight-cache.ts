/**
 * Downloaded checkpoints kept in the browser's origin private file system (OPFS), so that a
 * second visit loads with no network. Written from the model worker through a synchronous access
 * handle, chunk by chunk as the download streams in (never the whole file in memory); a download
 * cut short is kept and resumed with an HTTP range request. One folder per source:
 *
 *   neuron-explorer-models/<key>/config.json, model.safetensors, meta.json
 *
 * meta.json says which URL and version the files are, and whether the weights are complete.
 * Worker-only (synchronous access handles exist only in workers).
 */

const ROOT = 'neuron-explorer-models';

/** The worker-only handle TypeScript's DOM library does not declare. */
interface SyncAccessHandle {
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

function syncHandle(file: FileSystemFileHandle): Promise<SyncAccessHandle> {
  return (
    file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }
  ).createSyncAccessHandle();
}

export interface CachedModelMeta {
  /** The base URL the files came from. */
  base: string;
  /** The server's version of the files (see ServerModel.version), or "" when none was given. */
  version: string;
  /** Size of model.safetensors. */
  bytes: number;
  /** Bytes of model.safetensors written so far. */
  written: number;
  complete: boolean;
  savedAt: string;
}

export interface CachedModel extends CachedModelMeta {
  key: string;
}

/** A short, stable folder name for a base URL. */
export function cacheKey(base: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < base.length; i++) hash = Math.imul(hash ^ base.charCodeAt(i), 0x01000193);
  const tail = base
    .replace(/^https?:\/\//, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_')
    .slice(-60);
  return `${(hash >>> 0).toString(16).padStart(8, '0')}-${tail}`;
}

async function root(): Promise<FileSystemDirectoryHandle | null> {
  try {
    const storage = navigator.storage as StorageManager | undefined;
    if (!storage?.getDirectory) return null;
    return await (await storage.getDirectory()).getDirectoryHandle(ROOT, { create: true });
  } catch {
    // No OPFS (an old browser, a private window): models load, but are not kept.
    return null;
  }
}

async function folder(key: string, create = false): Promise<FileSystemDirectoryHandle | null> {
  const base = await root();
  if (!base) return null;
  try {
    return await base.getDirectoryHandle(key, { create });
  } catch {
    return null;
  }
}

async function readText(dir: FileSystemDirectoryHandle, name: string): Promise<string | null> {
  try {
    return await (await (await dir.getFileHandle(name)).getFile()).text();
  } catch {
    return null;
  }
}

async function writeText(dir: FileSystemDirectoryHandle, name: string, text: string) {
  const handle = await dir.getFileHandle(name, { create: true });
  const access = await syncHandle(handle);
  try {
    const bytes = new TextEncoder().encode(text);
    access.truncate(0);
    access.write(bytes, { at: 0 });
    access.flush();
  } finally {
    access.close();
  }
}

export async function readMeta(key: string): Promise<CachedModelMeta | null> {
  const dir = await folder(key);
  if (!dir) return null;
  const text = await readText(dir, 'meta.json');
  if (!text) return null;
  try {
    return JSON.parse(text) as CachedModelMeta;
  } catch {
    return null;
  }
}

/** The cached config and weights of a complete download, or null. */
export async function openCached(
  key: string,
): Promise<{ meta: CachedModelMeta; config: string; weights: File } | null> {
  const dir = await folder(key);
  const meta = await readMeta(key);
  if (!dir || !meta?.complete) return null;
  const config = await readText(dir, 'config.json');
  if (config === null) return null;
  try {
    const weights = await (await dir.getFileHandle('model.safetensors')).getFile();
    if (weights.size !== meta.bytes) return null;
    return { meta, config, weights };
  } catch {
    return null;
  }
}

/** The part of a download kept from an earlier, interrupted one (to resume from), or null. */
export async function openPartial(
  key: string,
  base: string,
  version: string,
  bytes: number,
): Promise<{ written: number; file: File } | null> {
  const dir = await folder(key);
  const meta = await readMeta(key);
  if (!dir || !meta || meta.complete || meta.base !== base || meta.version !== version) return null;
  if (meta.bytes !== bytes || meta.written <= 0) return null;
  try {
    const file = await (await dir.getFileHandle('model.safetensors')).getFile();
    const written = Math.min(meta.written, file.size);
    return written > 0 ? { written, file: file.slice(0, written) as File } : null;
  } catch {
    return null;
  }
}

/** Writes a download into the cache as it streams; `finish` marks it complete. */
export interface CacheWriter {
  write(chunk: Uint8Array): void;
  finish(): Promise<void>;
  /** Keeps what was written, to resume from (a failed or cancelled download). */
  abandon(): Promise<void>;
}

/**
 * A writer for `key`, starting at byte `from` (0 for a new download; the written length to
 * resume). Null when there is no OPFS or not room for the file (the load goes on uncached).
 */
export async function cacheWriter(
  key: string,
  meta: Omit<CachedModelMeta, 'written' | 'complete' | 'savedAt'>,
  config: string,
  from: number,
): Promise<CacheWriter | null> {
  try {
    const estimate = await navigator.storage.estimate();
    if (estimate.quota !== undefined && estimate.usage !== undefined) {
      if (estimate.quota - estimate.usage < meta.bytes - from) return null;
    }
  } catch {
    // No estimate: try anyway.
  }
  const dir = await folder(key, true);
  if (!dir) return null;
  let access: SyncAccessHandle;
  try {
    await writeText(dir, 'config.json', config);
    const handle = await dir.getFileHandle('model.safetensors', { create: true });
    access = await syncHandle(handle);
  } catch {
    return null;
  }
  let at = from;
  let failed = false;
  if (from === 0) access.truncate(0);
  // One write of meta.json at a time: a second sync access handle on a file that has one open
  // fails (seen when the last interim save was still in flight as the download finished).
  let saving: Promise<void> = Promise.resolve();
  const saveMeta = (complete: boolean) => {
    const text = JSON.stringify({
      ...meta,
      written: at,
      complete,
      savedAt: new Date().toISOString(),
    } satisfies CachedModelMeta);
    const next = saving.then(() => writeText(dir, 'meta.json', text));
    saving = next.catch(() => {});
    return next;
  };
  await saveMeta(false);
  let lastSaved = 0;
  return {
    write(chunk) {
      if (failed) return;
      try {
        access.write(chunk, { at });
        at += chunk.length;
        // Progress is recorded now and then, so that a crash loses little.
        if (at - lastSaved > 64 << 20) {
          access.flush();
          lastSaved = at;
          saveMeta(false).catch(() => {});
        }
      } catch {
        // The disk is full or the quota was cut: the model still loads, uncached.
        failed = true;
      }
    },
    async finish() {
      try {
        access.flush();
        access.close();
      } catch {
        failed = true;
      }
      if (failed) await removeCached(key);
      else await saveMeta(at === meta.bytes);
    },
    async abandon() {
      try {
        access.flush();
        access.close();
      } catch {
        // Already closed.
      }
      if (!failed) await saveMeta(false);
    },
  };
}

export async function listCached(): Promise<CachedModel[]> {
  const base = await root();
  if (!base) return [];
  const out: CachedModel[] = [];
  for await (const [key] of (
    base as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
  ).entries()) {
    const meta = await readMeta(key);
    if (meta) out.push({ key, ...meta });
  }
  return out;
}

export async function removeCached(key: string): Promise<void> {
  const base = await root();
  try {
    await base?.removeEntry(key, { recursive: true });
  } catch {
    // Already gone.
  }
}
