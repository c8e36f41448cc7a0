/** Limits of the simulation API that the app checks before sending and the server enforces. */

/** Longest explanation, in characters (after trimming). */
export const MAX_EXPLANATION_CHARS = 500;
/** Most texts of the user's own in one request. */
export const MAX_TEXTS = 8;
/** Longest text, in GPT-2 tokens (r50k_base, as the subject model reads it). */
export const MAX_TEXT_TOKENS = 64;
