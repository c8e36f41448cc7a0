/** The neuron page's sections: their names and element ids (pure, for the first-paint script too). */

/** In page order, by the id of their element (`section-<id>`). */
export const SECTIONS = {
  top: 'Top-activating records',
  explanations: 'Explanations',
  test: 'Test an explanation',
  samples: 'Samples by quantile and at random',
  yourText: 'Activations on your text',
  check: 'Check the model',
  statistics: 'Statistics',
  related: 'Related tokens and neurons',
} as const;

export type SectionId = keyof typeof SECTIONS;

/** The names "On this page" links by: short, so that every link fits one row on a desktop. */
export const SECTION_LINKS: Record<SectionId, string> = {
  top: 'Top records',
  explanations: 'Explanations',
  test: 'Test an explanation',
  samples: 'Samples',
  yourText: 'Your text',
  check: 'Check the model',
  statistics: 'Statistics',
  related: 'Related',
};

export const sectionElementId = (id: SectionId) => `section-${id}`;

/** The sections below the top records (NeuronDetails), which render after the first paint. */
export const DETAIL_SECTIONS = (Object.keys(SECTIONS) as SectionId[]).filter((id) => id !== 'top');
