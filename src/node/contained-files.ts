/**
 * Reading files of a folder that someone else may have filled (a downloaded dataset, a mirror of
 * the release): only regular files whose real path lies inside the folder are read, and none
 * larger than a limit. A symbolic link to a file inside the folder is followed; a link (of the
 * file or of a folder on the way) to anywhere outside it, a device, a FIFO or a socket is refused
 * without being opened for reading.
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { tooLargeProblem } from '../core/format/limits.ts';

export type ContainedFileProblem = 'outside' | 'not_regular' | 'too_large';

/** A file that exists but is not read: the sentence names the file, never where a link points. */
export class ContainedFileError extends Error {
  readonly path: string;
  readonly problem: ContainedFileProblem;
  /** What is wrong, without the path ("a link to somewhere outside the source"). */
  readonly detail: string;
  constructor(path: string, problem: ContainedFileProblem, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'ContainedFileError';
    this.path = path;
    this.problem = problem;
    this.detail = detail;
  }
}

/** A size limit, and what the file is for the sentence that names it ("a per-neuron file"). */
export interface SizeLimit {
  bytes: number;
  what: string;
}

export interface ContainedFile {
  bytes: Buffer;
  stat: Stats;
}

// O_NOFOLLOW makes opening a link fail (ELOOP) instead of opening what it names; O_NONBLOCK keeps
// opening a FIFO from waiting for a writer. Both are 0 where the platform lacks them.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code;
const isAbsent = (error: unknown) =>
  errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR';

export class ContainedFolder {
  readonly root: string;
  /** How errors name the folder: "the source", "the dataset folder". */
  private readonly name: string;
  private realRoot: Promise<string> | null = null;
  /**
   * Folders (relative) and whether they resolve inside the root, asked once: the folders of a
   * dataset are made by ingest or by whoever copied it, not changed while it is served.
   */
  private readonly folders = new Map<string, Promise<boolean>>();

  constructor(root: string, name = 'the folder') {
    this.root = root;
    this.name = name;
  }

  /**
   * The file at `relative` (a path already checked to have no "." or ".." segments), or null when
   * there is none (or a link names nothing). Throws ContainedFileError for a file that must not be
   * read, and the system's error when reading fails.
   */
  async read(relative: string, limit: SizeLimit): Promise<ContainedFile | null> {
    const folder = dirname(relative);
    if (folder !== '.') {
      const inside = await this.folderInside(folder);
      if (inside === null) return null;
      if (!inside) {
        throw new ContainedFileError(
          relative,
          'outside',
          `${folder} is a link to somewhere outside ${this.name}; not read`,
        );
      }
    }
    const path = join(this.root, relative);
    let handle: FileHandle;
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (error) {
      if (isAbsent(error)) return null;
      if (errorCode(error) !== 'ELOOP') throw error;
      // The file is a link: followed only to a file inside the folder.
      let target: string;
      try {
        target = await realpath(path);
      } catch (linkError) {
        if (isAbsent(linkError) || errorCode(linkError) === 'ELOOP') return null;
        throw linkError;
      }
      if (!(await this.isInside(target))) {
        throw new ContainedFileError(
          relative,
          'outside',
          `a link to somewhere outside ${this.name}; not read`,
        );
      }
      try {
        handle = await open(target, OPEN_FLAGS);
      } catch (targetError) {
        if (isAbsent(targetError)) return null;
        throw targetError;
      }
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        throw new ContainedFileError(relative, 'not_regular', 'not a regular file; not read');
      }
      if (stat.size > limit.bytes) throw tooLarge(relative, stat.size, limit);
      const bytes = await handle.readFile();
      if (bytes.length > limit.bytes) throw tooLarge(relative, bytes.length, limit);
      return { bytes, stat };
    } finally {
      await handle.close();
    }
  }

  /** True inside, false outside, null when the folder does not exist (asked again next time). */
  private async folderInside(folder: string): Promise<boolean | null> {
    let known = this.folders.get(folder);
    if (!known) {
      known = realpath(join(this.root, folder)).then((real) => this.isInside(real));
      this.folders.set(folder, known);
    }
    try {
      return await known;
    } catch (error) {
      this.folders.delete(folder);
      if (isAbsent(error) || errorCode(error) === 'ELOOP') return null;
      throw error;
    }
  }

  private async isInside(real: string): Promise<boolean> {
    this.realRoot ??= realpath(this.root).catch((error: unknown) => {
      this.realRoot = null;
      throw error;
    });
    const root = await this.realRoot;
    return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
  }
}

function tooLarge(path: string, size: number, limit: SizeLimit): ContainedFileError {
  return new ContainedFileError(path, 'too_large', tooLargeProblem(size, limit.bytes, limit.what));
}
