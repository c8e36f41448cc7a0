/**
 * The safetensors format (Hugging Face's checkpoint files): 8 bytes of little-endian header
 * length, a JSON header naming each tensor's dtype, shape and byte range (relative to the end of
 * the header), then the tensors' raw little-endian bytes. This module reads and checks the header
 * (never the data) and writes headers, so that a checkpoint can be streamed: the header says which
 * bytes belong to which tensor before any of them arrive.
 */
import { ModelFileError } from './errors.ts';
import { utf8Decode, utf8Encode } from './platform.ts';

/** Bytes per element of each dtype the format defines. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
};

/** The dtypes the runner reads weights in. */
export type WeightDtype = 'F32' | 'F16';

/** The format's own bound on the header (100 MB); a larger length means a damaged file. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file: [begin, end). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** Length of the JSON header in bytes. */
  headerLength: number;
  /** Absolute offset of the first data byte (8 + headerLength). */
  dataStart: number;
  /** Absolute offset one past the last tensor byte: the file's expected size. */
  dataEnd: number;
  /** The tensors, in file order. */
  tensors: TensorEntry[];
  metadata: Record<string, string>;
}

/** Reads the 8-byte header length; `bytes` must hold at least the first 8 bytes of the file. */
export function readHeaderLength(bytes: Uint8Array, file: string, fileSize?: number): number {
  if (bytes.length < 8) {
    throw new ModelFileError(
      `the file is too short to be safetensors (${bytes.length} bytes; the header length alone is 8)`,
      { file, offset: 0 },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const length = high * 2 ** 32 + low;
  if (length < 2 || length > MAX_HEADER_BYTES) {
    throw new ModelFileError(
      `not a safetensors file: its first 8 bytes give a header of ${length} bytes (at most ${MAX_HEADER_BYTES})`,
      { file, offset: 0 },
    );
  }
  if (fileSize !== undefined && 8 + length > fileSize) {
    throw new ModelFileError(
      `truncated: the header needs ${8 + length} bytes but the file has ${fileSize}`,
      { file, offset: fileSize },
    );
  }
  return length;
}

const isNonNegativeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Parses and checks the JSON header (`headerBytes` is exactly the header, after the length).
 * Every entry must be well formed, its byte range must match its dtype and shape, ranges must
 * neither overlap nor leave gaps, and with `fileSize` the data must fit in the file.
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  { file, fileSize }: { file: string; fileSize?: number },
): SafetensorsHeader {
  const headerLength = headerBytes.length;
  const dataStart = 8 + headerLength;
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(headerBytes));
  } catch (error) {
    throw new ModelFileError(`the header is not valid JSON (${(error as Error).message})`, {
      file,
      offset: 8,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelFileError('the header is not a JSON object', { file, offset: 8 });
  }
  const tensors: TensorEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value === 'object' && value !== null) metadata = value as Record<string, string>;
      continue;
    }
    const where = { file, tensor: name, offset: 8 };
    if (typeof value !== 'object' || value === null) {
      throw new ModelFileError('its header entry is not an object', where);
    }
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
      throw new ModelFileError(`unknown dtype ${JSON.stringify(dtype)}`, where);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
      throw new ModelFileError(`shape ${JSON.stringify(shape)} is not a list of sizes`, where);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(isNonNegativeInteger) ||
      (offsets[0] as number) > (offsets[1] as number)
    ) {
      throw new ModelFileError(
        `data_offsets ${JSON.stringify(offsets)} is not a [begin, end] byte range`,
        where,
      );
    }
    const elements = (shape as number[]).reduce((a, b) => a * b, 1);
    const bytes = (offsets[1] as number) - (offsets[0] as number);
    if (bytes !== elements * DTYPE_BYTES[dtype]!) {
      throw new ModelFileError(
        `${bytes} bytes of data for a ${dtype} tensor of shape [${(shape as number[]).join(', ')}] (${elements * DTYPE_BYTES[dtype]!} expected)`,
        { file, tensor: name, offset: dataStart + (offsets[0] as number) },
      );
    }
    tensors.push({
      name,
      dtype,
      shape: shape as number[],
      begin: dataStart + (offsets[0] as number),
      end: dataStart + (offsets[1] as number),
    });
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = dataStart;
  for (const tensor of tensors) {
    if (tensor.begin < at) {
      throw new ModelFileError('its bytes overlap the tensor before it', {
        file,
        tensor: tensor.name,
        offset: tensor.begin,
      });
    }
    if (tensor.begin > at) {
      throw new ModelFileError(`${tensor.begin - at} bytes before it belong to no tensor`, {
        file,
        tensor: tensor.name,
        offset: at,
      });
    }
    at = tensor.end;
  }
  const dataEnd = at;
  if (fileSize !== undefined) {
    const cut = tensors.find((tensor) => tensor.end > fileSize);
    if (cut) {
      throw new ModelFileError(
        `truncated: the file has ${fileSize} bytes, but this tensor's data runs to byte ${cut.end} (the whole file should be ${dataEnd} bytes)`,
        { file, tensor: cut.name, offset: Math.max(cut.begin, fileSize) },
      );
    }
  }
  return { headerLength, dataStart, dataEnd, tensors, metadata };
}

/** What a writer needs to know of a tensor to lay out the header. */
export interface TensorSpec {
  name: string;
  dtype: string;
  shape: readonly number[];
}

/**
 * The header bytes (length and JSON, padded with spaces to 8-byte alignment as Hugging Face's
 * writer does) for tensors written in the given order, and each tensor's byte range.
 */
export function safetensorsHeaderBytes(
  specs: readonly TensorSpec[],
  metadata?: Record<string, string>,
): { header: Uint8Array; offsets: [number, number][] } {
  const json: Record<string, unknown> = {};
  if (metadata) json.__metadata__ = metadata;
  const offsets: [number, number][] = [];
  let at = 0;
  for (const spec of specs) {
    const bytes = spec.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[spec.dtype] ?? NaN);
    if (!Number.isFinite(bytes)) throw new Error(`unknown dtype ${spec.dtype} for ${spec.name}`);
    offsets.push([at, at + bytes]);
    json[spec.name] = { dtype: spec.dtype, shape: spec.shape, data_offsets: [at, at + bytes] };
    at += bytes;
  }
  let text = JSON.stringify(json);
  text += ' '.repeat((8 - ((8 + utf8Encode(text).length) % 8)) % 8);
  const body = utf8Encode(text);
  const header = new Uint8Array(8 + body.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, body.length % 2 ** 32, true);
  view.setUint32(4, Math.floor(body.length / 2 ** 32), true);
  header.set(body, 8);
  return { header, offsets };
}

/** A whole safetensors file in memory (small checkpoints: tests and the demo model). */
export function serializeSafetensors(
  tensors: readonly (TensorSpec & { data: Uint8Array })[],
  metadata?: Record<string, string>,
): Uint8Array {
  const { header, offsets } = safetensorsHeaderBytes(tensors, metadata);
  const total = header.length + (offsets.at(-1)?.[1] ?? 0);
  const out = new Uint8Array(total);
  out.set(header, 0);
  tensors.forEach((tensor, i) => {
    if (tensor.data.length !== offsets[i]![1] - offsets[i]![0]) {
      throw new Error(`${tensor.name}: ${tensor.data.length} bytes for its shape and dtype`);
    }
    out.set(tensor.data, header.length + offsets[i]![0]);
  });
  return out;
}
