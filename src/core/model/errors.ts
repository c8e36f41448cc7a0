/**
 * The one error a model checkpoint gives when something about it is wrong: what is wrong, and
 * where (which file, which tensor, which byte), so that a user with a damaged or mismatched
 * download knows what to fetch again.
 */

export interface ModelFileLocation {
  /** The file at fault, as the user named it (a path, a URL or a picked file's name). */
  file: string;
  /** The tensor at fault, by its name in the file (with its prefix, if the file has one). */
  tensor?: string;
  /** Byte offset in the file where the fault is (the start of the tensor's bytes, or the header). */
  offset?: number;
}

export class ModelFileError extends Error {
  readonly file: string;
  readonly tensor: string | undefined;
  readonly offset: number | undefined;
  /** The fault on its own, without the location (the message holds both). */
  readonly fault: string;

  constructor(fault: string, where: ModelFileLocation) {
    const parts = [where.file];
    if (where.tensor !== undefined) parts.push(`tensor "${where.tensor}"`);
    if (where.offset !== undefined) parts.push(`byte ${where.offset}`);
    super(`${parts.join(', ')}: ${fault}`);
    this.name = 'ModelFileError';
    this.fault = fault;
    this.file = where.file;
    this.tensor = where.tensor;
    this.offset = where.offset;
  }
}

/** The fields a ModelFileError carries, for passing one between threads (errors lose fields). */
export interface ModelFileErrorData {
  name: 'ModelFileError';
  fault: string;
  file: string;
  tensor?: string;
  offset?: number;
  message: string;
}

export function modelFileErrorData(error: ModelFileError): ModelFileErrorData {
  return {
    name: 'ModelFileError',
    fault: error.fault,
    file: error.file,
    ...(error.tensor !== undefined ? { tensor: error.tensor } : {}),
    ...(error.offset !== undefined ? { offset: error.offset } : {}),
    message: error.message,
  };
}

export function modelFileErrorFromData(data: ModelFileErrorData): ModelFileError {
  return new ModelFileError(data.fault, data);
}
