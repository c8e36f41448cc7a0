/**
 * A neuron's records made ready for "check the model". Records store token strings, not ids, and
 * a string recovers its id (src/core/model/tokens.ts) except where the original token was part of
 * a character split over several byte tokens: it decodes to "\ufffd", the same as dozens of other
 * byte tokens and as the replacement character's own token, which is where encoding it back lands.
 * Running that id would feed the model another token than the release did and blame the
 * difference on the model. So a record is compared only on its tokens before the first such one:
 * attention is causal, so those activations do not depend on what follows.
 */

export interface RecordLike {
  tokens: readonly string[];
  activations: readonly number[];
}

export interface RecordsForCheck {
  /** What to run: whole records, or the part before a token whose id is lost. */
  records: RecordLike[];
  /** For each record run, its index among the records given. */
  origin: number[];
  /** Records run only in part: how many of their tokens, and why. */
  cut: { record: number; tokens: number; of: number; reason: string }[];
  /** Records not run at all, and why. */
  skipped: { record: number; reason: string }[];
}

const SPLIT_CHARACTER = '\ufffd';

export function recordsForCheck(records: readonly RecordLike[]): RecordsForCheck {
  const out: RecordsForCheck = { records: [], origin: [], cut: [], skipped: [] };
  records.forEach((record, index) => {
    const lost = record.tokens.findIndex((token) => token.includes(SPLIT_CHARACTER));
    if (lost < 0) {
      out.records.push(record);
      out.origin.push(index);
      return;
    }
    const reason = `token ${lost + 1} (${JSON.stringify(record.tokens[lost])}) is part of a character split over several tokens: its id cannot be recovered from the text`;
    if (lost === 0) {
      out.skipped.push({ record: index, reason });
      return;
    }
    out.records.push({
      tokens: record.tokens.slice(0, lost),
      activations: record.activations.slice(0, lost),
    });
    out.origin.push(index);
    out.cut.push({ record: index, tokens: lost, of: record.tokens.length, reason });
  });
  return out;
}
