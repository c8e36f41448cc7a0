/**
 * The paper's explanations as one CSV (`layer,neuron,explanation,score`, RFC 4180 quoting), as in
 * the shared real data. Used to draw realistic text for generated fixtures.
 */
import { readFileSync } from 'node:fs';

export interface PaperExplanation {
  layer: number;
  neuron: number;
  explanation: string;
  score: number | null;
}

/** Rows of an RFC 4180 CSV text (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i += 1;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i += 1;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function readPaperExplanations(path: string): PaperExplanation[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (header?.join(',') !== 'layer,neuron,explanation,score') {
    throw new Error(`${path}: expected the header layer,neuron,explanation,score`);
  }
  return rows
    .filter((row) => row.length === 4)
    .map(([layer, neuron, explanation, score]) => ({
      layer: Number(layer),
      neuron: Number(neuron),
      explanation: explanation ?? '',
      score: score === '' || score === undefined ? null : Number(score),
    }));
}
