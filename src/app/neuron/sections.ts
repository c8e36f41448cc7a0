/** The neuron page's sections: their names and element ids (pure, for the first-paint script too). */

/** In page order, by the id of their element (`section-<id>`). */
export const SECTIONS = {
  top: 'Top-activating records',
  explanations: 'Explanations',
  test: 'Test an explanation',
  samples: 'Samples by quantile and at random',
  statistics: 'Statistics',
  related: 'Related tokens and neurons',
} as const;

export type SectionId = keyof typeof SECTIONS;

export const sectionElementId = (id: SectionId) => `section-${id}`;
