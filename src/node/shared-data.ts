/**
 * Where the real GPT-2 XL data of the shared folder lives: `$GPT2_XL_DATA` when set, else the first
 * `shared/data/gpt2-xl` beside the repository or one of its parent folders (CI puts `shared/`
 * beside its clone; worktrees sit one level deeper). Null when absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sharedGpt2XlDir(): string | null {
  const fromEnv = process.env.GPT2_XL_DATA;
  if (fromEnv) return existsSync(join(fromEnv, 'explanations')) ? resolve(fromEnv) : null;
  let dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = join(dir, 'shared', 'data', 'gpt2-xl');
    if (existsSync(join(candidate, 'explanations'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
