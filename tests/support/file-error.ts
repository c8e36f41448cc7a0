/** What the parser tests ask of a damaged file. */
import { expect } from 'vitest';
import { DatasetFileError } from '../../src/core/format/parse.ts';

/** The message a user sees for a damaged file (and that it is a DatasetFileError). */
export function fileErrorMessage(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetFileError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be rejected');
}
