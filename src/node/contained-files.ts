/**
 * Reading files of a folder that someone else may have filled (a downloaded dataset, a mirror of
 * the release): only regular files whose real path lies inside the folder are read, and none
 * larger than a limit. A symbolic link to a file inside the folder is followed; a link (of the
 * file or of a folder on the way) to anywhere outside it, a device, a FIFO or a socket is refused
 * without being opened for reading.
 */
import fs, { constants, type Stats } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
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

// The callback API, one promise per call: a FileHandle per file costs ingest about a tenth more CPU.
const openFile = promisify((path: string, done: (error: Error | null, fd: number) => void) =>
  fs.open(path, OPEN_FLAGS, done),
);
const fstatFile = promisify(fs.fstat) as (fd: number) => Promise<Stats>;
const closeFile = promisify(fs.close);
const readInto = promisify(
  (
    fd: number,
    buffer: Buffer,
    offset: number,
    position: number,
    done: (error: Error | null, bytesRead: number) => void,
  ) => fs.read(fd, buffer, offset, buffer.length - offset, position, done),
);

/**
 * The file's bytes: `size` of them (from fstat) in one read, more only if it grew since; never
 * more than `cap` (the caller's limit plus one, to tell that it was passed).
 */
async function readAll(fd: number, size: number, cap: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(size > 0 ? size : 4096, cap));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (buffer.length >= cap) return buffer;
      const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, cap));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const bytesRead = await readInto(fd, buffer, length, length);
    if (bytesRead === 0) return buffer.subarray(0, length);
    length += bytesRead;
    // A regular file of the size fstat gave is read whole: no second read to find its end.
    if (length === size) return buffer.subarray(0, length);
  }
}

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
    let fd: number;
    try {
      fd = await openFile(path);
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
        fd = await openFile(target);
      } catch (targetError) {
        if (isAbsent(targetError)) return null;
        throw targetError;
      }
    }
    try {
      const stat = await fstatFile(fd);
      if (!stat.isFile()) {
        throw new ContainedFileError(relative, 'not_regular', 'not a regular file; not read');
      }
      if (stat.size > limit.bytes) throw tooLarge(relative, stat.size, limit);
      const bytes = await readAll(fd, stat.size, limit.bytes + 1);
      if (bytes.length > limit.bytes) throw tooLarge(relative, bytes.length, limit);
      return { bytes, stat };
    } finally {
      await closeFile(fd);
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
