/** Bounds on the files ingest writes, checked wherever they are read (server, app, CLI). */

/**
 * Largest manifest. A GPT-2 XL manifest (48 layer summaries and a histogram) is about 25 KB; a
 * manifest past 2 MB is not one ingest wrote, and is not re-read every second by the server.
 */
export const MAX_MANIFEST_BYTES = 2 * 1024 * 1024;

/**
 * Largest layer index. GPT-2 XL's largest is 582 KB (6,400 neurons); 6,400 explanations of the
 * longest allowed length would be under 7 MB.
 */
export const MAX_LAYER_INDEX_BYTES = 32 * 1024 * 1024;

/** The last layer number allowed: the browse table keeps layer numbers in 16 bits. */
export const MAX_LAYER = 65_535;

/** Most neurons a layer may have (GPT-2 XL has 6,400; the browse table ranks up to 2^27 in all). */
export const MAX_NEURONS_PER_LAYER = 1 << 20;
