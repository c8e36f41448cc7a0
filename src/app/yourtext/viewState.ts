/**
 * The "Your text" page's view as URL search params, so that a link reproduces it (the browse
 * page's conventions: see ../browse/viewState.ts):
 *
 *   t=The cat sat     the text
 *   token=3           the token whose neurons are shown (0-based)
 *   neuron=5:131      the neuron the text is drawn as a heatmap for
 *   q=sport           keyword search over explanations, filtering the neurons shown
 *   layers=3-10       an inclusive layer range
 *   score=0.5..1      an inclusive explanation score range
 *   sort=score        how the neurons that fire most are ordered: activation | score | layer
 *   find= Marvel      the token searched for in the dataset (no model)
 *   exact=1           ... spelled exactly so
 *
 * Values that do not parse are ignored; only non-defaults are written.
 */
import {
  formatNeuronAddress,
  parseNeuronAddress,
  type NeuronAddress,
} from '../../core/address/address.ts';
import { layersParam, parseLayersParam } from '../../core/browse/layers-param.ts';

export type TopSort = 'activation' | 'score' | 'layer';

export interface TextView {
  text: string;
  token: number | null;
  neuron: NeuronAddress | null;
  query: string;
  layers: [number, number] | null;
  score: [number, number] | null;
  sort: TopSort;
  find: string;
  exact: boolean;
}

function parseScore(text: string | null): [number, number] | null {
  const match = text ? /^(-?\d*\.?\d+)\.\.(-?\d*\.?\d+)$/.exec(text) : null;
  if (!match) return null;
  const low = Number(match[1]);
  const high = Number(match[2]);
  return Number.isFinite(low) && Number.isFinite(high) && low <= high ? [low, high] : null;
}

export function parseTextView(params: URLSearchParams): TextView {
  const token = params.get('token');
  const sort = params.get('sort');
  return {
    text: params.get('t') ?? '',
    token: token !== null && /^\d{1,4}$/.test(token) ? Number(token) : null,
    neuron: parseNeuronAddress(params.get('neuron') ?? ''),
    query: params.get('q') ?? '',
    layers: parseLayersParam(params.get('layers')),
    score: parseScore(params.get('score')),
    sort: sort === 'score' || sort === 'layer' ? sort : 'activation',
    find: params.get('find') ?? '',
    exact: params.get('exact') === '1',
  };
}

const number = (value: number) => String(Number(value.toPrecision(12)));

export function textViewParams(view: TextView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.text !== '') params.set('t', view.text);
  if (view.token !== null) params.set('token', String(view.token));
  if (view.neuron) params.set('neuron', formatNeuronAddress(view.neuron));
  if (view.query !== '') params.set('q', view.query);
  if (view.layers) params.set('layers', layersParam(view.layers));
  if (view.score) params.set('score', `${number(view.score[0])}..${number(view.score[1])}`);
  if (view.sort !== 'activation') params.set('sort', view.sort);
  if (view.find !== '') params.set('find', view.find);
  if (view.exact) params.set('exact', '1');
  return params;
}
