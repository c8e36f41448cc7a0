/** What a check against the release's records must say (see ./verify.ts). */
export const APPROXIMATE_GELU_NOTE =
  "The release computed its activations with a GELU slightly different from GPT-2's (OpenAI reports, on GPT-2 small, a median difference of 0.009 and a 99.9th percentile of 0.17), so computed activations differ a little from the recorded ones.";
