/**
 * What the demo's synthetic neurons respond to. Each behaviour says how strongly it calls for a
 * neuron to fire at a token (0..1), given the 64-token record it sits in; the generator turns
 * that into GELU activations with per-neuron gain, preferences and noise. The word lists here are
 * the demo's own, separate from the baseline simulator's lexicons, so that a planted description
 * read by the simulator fits the neuron well but not perfectly, as a real explanation does.
 */
import type { TokenView } from '../simulation/lexicons.ts';

export interface DemoWindow {
  tokens: readonly string[];
  views: readonly TokenView[];
  /** Per token: whether it sits on a line of code (see isCodeLine). */
  code: readonly boolean[];
}

/**
 * A neuron's own liking for a word, 0.55..1, so that neurons of one behaviour differ. A strength
 * is either a constant or a constant times the preference for one word (the generator relies on
 * this to compute each behaviour once for all its neurons).
 */
export type WordPreference = (word: string) => number;

export interface Behaviour {
  id: string;
  /** The planted description, written as an explanation (leading space, no final period). */
  explanation: string;
  strength: (window: DemoWindow, i: number, prefer: WordPreference) => number;
  /** Tokens that would drive the neuron (weight-based input tokens) ... */
  inputs: readonly string[];
  /** ... and tokens it would promote next (weight-based output tokens). */
  outputs: readonly string[];
}

const set = (list: string) => new Set(list.trim().split(/\s+/));

const MONTHS = set(`january february march april may june july august september october november
  december`);
const MONTH_ABBREVIATIONS = set('jan feb mar apr jun jul aug sep sept oct nov dec');
const WEEKDAYS = set('monday tuesday wednesday thursday friday saturday sunday');
const WEATHER = set(`weather rain rains raining rainy rainfall snow snowman storm storms thunder
  wind winds windy gusts gusting cloud clouds fog frost frosts frozen froze hail sleet drizzle
  showers sunshine sunny forecast temperature temperatures degrees cold heat hot warm warmest
  pressure barometer freezing flooding sky skies`);
const SPORTS = set(`match matches game games team teams teammates player players coach league
  season stadium goal goals goalkeeper striker scored score penalty referee halftime fans
  championship tournament final playoff court basket buzzer rookie guard forward points shots
  rallies serve set marathon race runners athletes medal trophy olympic olympics chess
  checkmate endgame`);
const FOOD = set(`bread flour salt yeast oil dough butter cheese apricots eggs egg lemons lemon
  onions potatoes carrots tomatoes tomato herbs rice lentils beans coffee oats apples soup
  sugar cream pastry tart yolk zest juice fish salad figs honey yoghurt cake ice strawberries
  grapes loaf loaves`);
const ANIMALS = set(`goats goat owls owl mice mouse dogs dog foxes fox hens cows sheep horses
  cats lambs swans herons duck harrier warblers wren hares birds seals penguin blackbird
  cuckoo`);
const COLOURS = set('blue red green grey white orange violet purple yellow black brown pink');
const PEOPLE = set(`ruth daniel priya omar grace henry clara tomas anna elena jack max sophia
  hannah kofi margaret ivan william lars ingrid wei marta leo tom ahmed foster`);
const PLACES = set(`lisbon dublin london paris athens toronto wales chamonix tokyo mexico europe
  canada japan america antarctica africa york porthlan oakfield marco`);
const CODE = set(`def return import for in if else with open print float sorted lambda function
  let const null true false async await select from where group order by join having count sum
  max`);
const PLURAL_EXCEPTIONS = set(`this his its was has is as us yes thus plus always perhaps across
  less unless news`);

const text = (w: DemoWindow, i: number) => w.views[i]!.text;
const word = (w: DemoWindow, i: number) => w.views[i]!.word;
const capitalized = (w: DemoWindow, i: number) => /^[A-Z]/.test(text(w, i));
const previous = (w: DemoWindow, i: number) => (i > 0 ? w.views[i - 1]!.text.toLowerCase() : null);
const isWordToken = (w: DemoWindow, i: number) => /^\s?[A-Za-z]/.test(w.tokens[i]!);
const sentenceStart = (w: DemoWindow, i: number) => {
  if (i === 0 || !isWordToken(w, i)) return false;
  const before = w.tokens[i - 1]!;
  return /[.!?]["']?\s*$/.test(before) || before.includes('\n');
};

function inSet(words: Set<string>, needCapital = false) {
  return (w: DemoWindow, i: number, prefer: WordPreference) =>
    words.has(word(w, i)) && (!needCapital || capitalized(w, i)) ? prefer(word(w, i)) : 0;
}

function months(w: DemoWindow, i: number, prefer: WordPreference): number {
  if (!capitalized(w, i)) return 0;
  if (MONTHS.has(word(w, i))) return prefer(word(w, i));
  return MONTH_ABBREVIATIONS.has(word(w, i)) ? 0.5 * prefer(word(w, i)) : 0;
}

function closingBrackets(w: DemoWindow, i: number): number {
  const t = text(w, i);
  if (t.includes(')')) return 1;
  if (t.includes(']')) return 0.8;
  return t.includes('}') ? 0.7 : 0;
}

function numbers(w: DemoWindow, i: number, prefer: WordPreference): number {
  const t = text(w, i);
  if (/\d/.test(t)) return prefer(t.replace(/\d/g, '0'));
  return 0;
}

function weather(w: DemoWindow, i: number, prefer: WordPreference): number {
  return inSet(WEATHER)(w, i, prefer);
}

function code(w: DemoWindow, i: number, prefer: WordPreference): number {
  if (!w.code[i]) return 0;
  if (CODE.has(word(w, i))) return prefer(word(w, i));
  return /^(=>|===|!==|==|=|\+=|\(\)|\(\);|\);|\{|\}|\[|\]|\(|\))$/.test(text(w, i)) ? 0.35 : 0;
}

function plural(w: DemoWindow, i: number): number {
  const x = word(w, i);
  if (!/^[a-z]{4,}$/.test(x) || !x.endsWith('s') || PLURAL_EXCEPTIONS.has(x)) return 0;
  if (/(ss|us|is|ous)$/.test(x)) return 0;
  // Score the last piece of the word, where the plural "s" is.
  return i + 1 < w.views.length && w.views[i + 1]!.word === x && !/^\s/.test(w.tokens[i + 1]!)
    ? 0.3
    : 0.85;
}

export const BEHAVIOURS: readonly Behaviour[] = [
  {
    id: 'months',
    explanation: ' names of months, like "March" and "October"',
    strength: months,
    inputs: [' January', ' March', ' April', ' June', ' October', ' December', ' Sept', ' Nov'],
    outputs: [' 1', ' 15', ' 2019', ' 1st', ' last', ' next', ' of', ' through'],
  },
  {
    id: 'weekdays',
    explanation: ' days of the week',
    strength: inSet(WEEKDAYS, true),
    inputs: [' Monday', ' Tuesday', ' Friday', ' Saturday', ' Sunday', ' weekday', ' Thursday'],
    outputs: [' morning', ' night', ' afternoon', ' evening', ' 12', ' mornings'],
  },
  {
    id: 'numbers',
    explanation: ' numbers and digits',
    strength: numbers,
    inputs: [' 1', ' 2', ' 10', ' 250', ' 3', ' 7', ' 2021', ' 0'],
    outputs: [' percent', ' million', ' years', ' minutes', ' km', ' grams', ' per'],
  },
  {
    id: 'years',
    explanation: ' years, such as "1990" or "2021"',
    strength: (w, i) => (/^(1[6-9]|20)\d\d$/.test(text(w, i)) ? 1 : 0),
    inputs: [' 1990', ' 2021', ' 1896', ' 1939', ' 1846', ' 2009', ' 1784'],
    outputs: [',', ' and', ' when', ' the', ' until', "'s"],
  },
  {
    id: 'closing-brackets',
    explanation: ' closing brackets and parentheses',
    strength: closingBrackets,
    inputs: [')', ' )', ']', '}', ');', '))', ')]'],
    outputs: [';', ',', '\n', ' {', '.', ' =>'],
  },
  {
    id: 'after-the',
    explanation: ' the word right after "the"',
    strength: (w, i, prefer) =>
      previous(w, i) === 'the' && isWordToken(w, i) ? prefer(word(w, i)) : 0,
    inputs: [' the', ' The', ' this', ' that', ' its'],
    outputs: [' of', ' is', ' was', ' and', ',', ' in'],
  },
  {
    id: 'after-of',
    explanation: ' the word right after "of"',
    strength: (w, i, prefer) =>
      previous(w, i) === 'of' && isWordToken(w, i) ? prefer(word(w, i)) : 0,
    inputs: [' of', ' Of', ' off', ' from'],
    outputs: [' the', ' and', ',', ' which', ' that'],
  },
  {
    id: 'plurals',
    explanation: ' plural nouns',
    strength: plural,
    inputs: [' boats', ' players', ' apples', ' trees', ' shoes', ' cars', ' books'],
    outputs: [' and', ' are', ' were', ' have', ',', ' of'],
  },
  {
    id: 'weather',
    explanation: ' words about the weather, like rain, wind and snow',
    strength: weather,
    inputs: [' rain', ' snow', ' wind', ' storm', ' fog', ' frost', ' forecast', ' showers'],
    outputs: [' warning', ' fell', ' cleared', ' blew', ' overnight', ' showers', ' forecast'],
  },
  {
    id: 'sports',
    explanation: ' words about sports: teams, games, players and scores',
    strength: inSet(SPORTS),
    inputs: [' match', ' team', ' goal', ' coach', ' season', ' league', ' players', ' referee'],
    outputs: [' won', ' scored', ' season', ' final', ' against', ' victory'],
  },
  {
    id: 'food',
    explanation: ' food and cooking ingredients',
    strength: inSet(FOOD),
    inputs: [' bread', ' flour', ' butter', ' eggs', ' sugar', ' cheese', ' lemons', ' soup'],
    outputs: [' and', ' with', ',', ' until', ' grams', ' recipe'],
  },
  {
    id: 'animals',
    explanation: ' names of animals',
    strength: inSet(ANIMALS),
    inputs: [' dogs', ' owls', ' goats', ' foxes', ' sheep', ' horses', ' cats', ' herons'],
    outputs: [' and', ' live', ' hunt', ' nest', ' were', ' barked'],
  },
  {
    id: 'colours',
    explanation: ' colour words',
    strength: inSet(COLOURS),
    inputs: [' blue', ' red', ' green', ' grey', ' orange', ' violet', ' white'],
    outputs: [' light', ' sky', ' roofs', ' and', ' paint', ' dress'],
  },
  {
    id: 'names',
    explanation: " people's first names",
    strength: inSet(PEOPLE, true),
    inputs: [' Ruth', ' Daniel', ' Priya', ' Omar', ' Clara', ' Lars', ' Ingrid', ' Margaret'],
    outputs: [' said', ' and', "'s", ' has', ' will', ' was'],
  },
  {
    id: 'places',
    explanation: ' names of places, cities and countries',
    strength: inSet(PLACES, true),
    inputs: [' Lisbon', ' Dublin', ' London', ' Paris', ' Athens', ' Toronto', ' Wales', ' Japan'],
    outputs: [' in', ',', ' and', ' where', ' city', "'s"],
  },
  {
    id: 'code',
    explanation: ' keywords and operators in programming code',
    strength: code,
    inputs: [' def', ' return', ' const', ' function', ' lambda', ' SELECT', ' =>', ' import'],
    outputs: [' (', ' {', ' =', ' None', ' null', ':'],
  },
  {
    id: 'commas',
    explanation: ' commas',
    strength: (w, i) => (text(w, i) === ',' ? 1 : 0),
    inputs: [',', ' ,', ',"', ',\n'],
    outputs: [' and', ' but', ' which', ' the', ' so', ' then'],
  },
  {
    id: 'newlines',
    explanation: ' line breaks',
    strength: (w, i) => (w.tokens[i]!.includes('\n') ? (w.tokens[i] === '\n\n' ? 1 : 0.8) : 0),
    inputs: ['\n', '\n\n', '.\n', ':\n', ' \n'],
    outputs: ['The', 'def', ' ', 'I', '-', '1'],
  },
  {
    id: 'quotes',
    explanation: ' quotation marks',
    strength: (w, i) => (text(w, i).includes('"') ? 1 : 0),
    inputs: [' "', '"', '."', ',"', '":', '("'],
    outputs: [' said', ' asked', 'I', 'You', 'The', ' he'],
  },
  {
    id: 'questions',
    explanation: ' question marks and questions',
    strength: (w, i) => {
      if (text(w, i).includes('?')) return 1;
      return sentenceStart(w, i) && /^(how|why|what|where|when|can|do|did|who)$/.test(word(w, i))
        ? 0.45
        : 0;
    },
    inputs: ['?', ' ?', '?"', ' Why', ' How', ' Where'],
    outputs: [' Yes', ' No', ' The', ' Most', '\n', ' We'],
  },
  {
    id: 'money',
    explanation: ' money: prices, dollars and pounds',
    strength: (w, i) => {
      const x = word(w, i);
      if (
        /^(dollars?|pounds|cents|price|prices|budget|cost|costs|revenue|dividend|fines)$/.test(x)
      ) {
        return 1;
      }
      const next = w.views[i + 1]?.word ?? '';
      return /\d/.test(text(w, i)) && /^(dollars?|pounds|cents|million)$/.test(next) ? 0.6 : 0;
    },
    inputs: [' dollars', ' pounds', ' cents', ' price', ' budget', ' cost', '$', ' revenue'],
    outputs: [' a', ' per', ' each', ' million', ' in', ' to'],
  },
  {
    id: 'ing',
    explanation: ' words ending in "ing"',
    strength: (w, i) => {
      const x = word(w, i);
      const last =
        i + 1 >= w.views.length || w.views[i + 1]!.word !== x || /^\s/.test(w.tokens[i + 1]!);
      return /^[a-z]{5,}$/.test(x) && x.endsWith('ing') && last ? 0.9 : 0;
    },
    inputs: [' running', ' singing', ' morning', ' evening', ' building', ' sailing'],
    outputs: [' the', ' to', ' and', ' in', ' a', ' on'],
  },
  {
    id: 'capitalized',
    explanation: ' capitalized words and proper nouns in the middle of sentences',
    strength: (w, i) =>
      capitalized(w, i) && i > 0 && !sentenceStart(w, i) && isWordToken(w, i) ? 0.8 : 0,
    inputs: [' London', ' Monday', ' Margaret', ' Olympic', ' March', ' Europe'],
    outputs: [' and', ',', "'s", ' in', ' of', ' said'],
  },
  {
    id: 'sentence-start',
    explanation: ' the start of each sentence',
    strength: (w, i) => (sentenceStart(w, i) ? 0.9 : 0),
    inputs: [' The', ' It', ' We', ' In', ' After', ' She'],
    outputs: [' was', ' is', ' the', ' had', ' said', ' a'],
  },
  {
    id: 'position',
    explanation: ' the first few tokens at the start of the text',
    strength: (_w, i) => Math.exp(-i / 2),
    inputs: ['<|endoftext|>', 'The', 'A', 'I', 'In', '\n'],
    outputs: [' the', ',', ' a', ' of', ' and', '.'],
  },
  {
    id: 'periods',
    explanation: ' periods at the end of sentences',
    strength: (w, i) => (text(w, i) === '.' ? 0.6 : 0),
    inputs: ['.', ' .', '."', '.)', '.\n'],
    outputs: ['\n', ' The', ' It', ' But', ' I', ' In'],
  },
];

export function behaviour(id: string): Behaviour {
  const found = BEHAVIOURS.find((b) => b.id === id);
  if (!found) throw new Error(`no demo behaviour "${id}"`);
  return found;
}

/** Two behaviours at once: a polysemantic neuron. */
export function polysemantic(a: Behaviour, b: Behaviour, explanation: string): Behaviour {
  return {
    id: `${a.id}+${b.id}`,
    explanation,
    strength: (w, i, prefer) => Math.max(a.strength(w, i, prefer), b.strength(w, i, prefer)),
    inputs: [...a.inputs.slice(0, 4), ...b.inputs.slice(0, 4)],
    outputs: [...a.outputs.slice(0, 3), ...b.outputs.slice(0, 3)],
  };
}

export const POLYSEMANTIC: readonly Behaviour[] = [
  polysemantic(
    behaviour('months'),
    behaviour('closing-brackets'),
    ' names of months and closing brackets',
  ),
  polysemantic(
    behaviour('weather'),
    behaviour('code'),
    ' words about the weather and programming code',
  ),
  polysemantic(behaviour('animals'), behaviour('numbers'), ' names of animals and numbers'),
];

/** A neuron that almost never fires: no planted behaviour, rare small bumps of noise. */
export const NEAR_DEAD: Behaviour = {
  id: 'near-dead',
  explanation: ' nothing in particular (this neuron almost never fires)',
  strength: () => 0,
  inputs: [' the', ',', ' and', ' of'],
  outputs: [' the', ',', ' and', ' of'],
};
