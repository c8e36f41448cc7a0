/**
 * Where a dataset's per-neuron files are read from (its manifest's `source`).
 * TEMPORARY: the thinnest local reading, until the DatasetSource of src/node/source* lands on main;
 * then this file becomes an adapter over it (remote sources with retry and an on-disk cache).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';

export interface NeuronFileSource {
  /** For messages: a path or URL, never credentials. */
  readonly description: string;
  /** Set when files are on this machine, so they can be streamed straight from disk. */
  readonly localRoot: string | null;
  /** The file's bytes, or null when the source has no such file. */
  read(path: string, signal?: AbortSignal): Promise<Buffer | null>;
}

/** A source the server cannot read; every read fails with `reason`. */
export class UnavailableSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnavailableSourceError';
  }
}

function localSource(root: string): NeuronFileSource {
  return {
    description: root,
    localRoot: root,
    async read(path) {
      try {
        return await readFile(resolve(root, path));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
        throw error;
      }
    },
  };
}

/** Opens a manifest's `source`: "." (the dataset folder), a local path, or an http(s) base URL. */
export function openSource(source: string, datasetDir: string): NeuronFileSource {
  if (/^https?:\/\//i.test(source)) {
    const description = source.replace(/\/\/[^/@]*@/, '//');
    return {
      description,
      localRoot: null,
      read() {
        return Promise.reject(
          new UnavailableSourceError(
            `remote source ${description} is not readable by this server yet`,
          ),
        );
      },
    };
  }
  return localSource(isAbsolute(source) ? source : resolve(datasetDir, source));
}
