/**
 * Kinds of token that explanations name ("month names", "closing brackets", "words about the
 * weather"), shared by the baseline simulator (which reads an explanation's cue words) and the
 * baseline explainer (which names the kind its top tokens share, with words the simulator reads).
 */

/** A token in context: the word it belongs to (GPT-2 splits long words) and its neighbours. */
export interface TokenView {
  /** The token as GPT-2 wrote it, leading space included. */
  token: string;
  /** The token without surrounding whitespace. */
  text: string;
  /** The whole word the token is part of, lower-cased ("september" for " Sept" + "ember"). */
  word: string;
  /** The same word as written ("September"). */
  spelled: string;
}

export interface Category {
  id: string;
  /** How an explanation names this kind of token (read back by the simulator's cue). */
  phrase: string;
  /** Words in an explanation that call for this kind of token. */
  cue: RegExp;
  matches: (view: TokenView) => boolean;
}

const words = (list: string) => new Set(list.trim().split(/\s+/));

export const MONTHS = words(`january february march april may june july august september october
  november december jan feb mar apr jun jul aug sep sept oct nov dec`);
const WEEKDAYS = words(`monday tuesday wednesday thursday friday saturday sunday mon tue tues wed
  thu thur thurs fri sat sun weekend weekends`);
const NUMBER_WORDS = words(`zero one two three four five six seven eight nine ten eleven twelve
  thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty
  seventy eighty ninety hundred hundreds thousand thousands million millions billion billions
  dozen first second third fourth fifth half quarter`);
const WEATHER = words(`weather rain rains rained raining rainy rainfall snow snows snowing snowy
  snowfall storm storms stormy thunder thunderstorm lightning wind winds windy breeze gust gusts
  cloud clouds cloudy sun sunny sunshine fog foggy mist drizzle hail sleet frost frosty ice icy
  temperature temperatures degrees forecast forecasts humid humidity heat heatwave cold chilly
  warm freezing hurricane tornado flood floods flooding drought climate celsius fahrenheit
  umbrella showers shower overcast`);
const SPORTS = words(`sport sports game games match matches team teams player players coach
  coaches score scored scores scoring goal goals season league championship tournament final
  finals win wins won lose lost defeat victory stadium referee ball football soccer basketball
  baseball tennis cricket rugby hockey golf athlete athletes olympic olympics race races sprint
  marathon inning innings quarterback striker goalkeeper pitch court fans playoff playoffs cup
  medal medals halftime penalty`);
const FOOD = words(`food foods bread butter cheese egg eggs flour sugar salt pepper garlic onion
  onions tomato tomatoes potato potatoes rice pasta soup salad cake cakes pie apple apples lemon
  milk cream chicken beef fish meat coffee tea breakfast lunch dinner meal meals recipe recipes
  bake baked baking cook cooked cooking oven kitchen spoon dough sauce vegetables fruit honey
  chocolate cookies sandwich`);
const ANIMALS = words(`animal animals dog dogs cat cats horse horses cow cows bird birds fish
  sheep goat goats pig pigs fox foxes wolf wolves bear bears deer rabbit rabbits mouse mice owl
  owls duck ducks hen hens lion lions tiger elephant whale whales frog frogs bee bees insect
  insects puppy kitten`);
const COLOURS = words(`color colors colour colours red blue green yellow orange purple violet pink
  brown black white grey gray silver golden crimson scarlet turquoise`);
const FIRST_NAMES = words(`james john robert michael william david richard thomas charles daniel
  matthew anthony mark paul steven andrew joshua peter george henry edward samuel oliver jack
  harry leo max noah liam lucas ethan mary patricia jennifer linda elizabeth susan jessica sarah
  karen emma olivia sophia ava mia amelia grace alice clara hannah ruth anna maria rosa nora
  priya ravi wei mei yuki kenji omar fatima ahmed amara kofi ingrid lars sven marta elena tomas
  ivan olga margaret helen`);
const PLACES = words(`london paris berlin tokyo madrid rome lisbon dublin cairo delhi mumbai
  beijing sydney toronto chicago boston texas california york england france germany spain italy
  japan china india canada brazil mexico egypt kenya norway sweden ireland scotland wales europe
  africa asia america australia city town village country river mountain valley harbor harbour`);
// Words that are code rather than prose (so not "for", "if", "return"), and SQL in capitals.
const CODE = words(`def const elif lambda null undefined async await void bool int str self
  println printf console json var func fn impl struct enum typeof instanceof isinstance import
  return print function`);
const SQL = words('SELECT FROM WHERE JOIN GROUP ORDER BY HAVING INSERT UPDATE DELETE LIMIT');
const PRONOUNS = words(`i me my mine we us our ours you your yours he him his she her hers it its
  they them their theirs myself yourself himself herself itself ourselves themselves`);
const PREPOSITIONS = words(`of in on at to from by with about into onto over under between through
  during before after above below across against among around behind beside beyond near since
  toward towards upon within without`);
const ARTICLES = words('the a an');
const NEGATIONS = words(`not no never nothing nobody none neither nor cannot without n't`);
const PLURAL_EXCEPTIONS = words(`this his its was has is as us yes thus plus bus gas less unless
  across always perhaps news series species means`);

const LETTERS = /^[a-z]+$/;
const capitalized = (view: TokenView) => /^[A-Z]/.test(view.text);

export function isPluralNoun(view: TokenView): boolean {
  const w = view.word;
  if (!LETTERS.test(w) || w.length < 4 || !w.endsWith('s') || PLURAL_EXCEPTIONS.has(w)) {
    return false;
  }
  return !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is') && !w.endsWith('ous');
}

function inSet(set: Set<string>) {
  return (view: TokenView) => set.has(view.word);
}

/**
 * Ordered from specific to broad: the explainer names the first kinds that cover most top tokens.
 */
export const CATEGORIES: readonly Category[] = [
  {
    id: 'month',
    phrase: 'names of months',
    cue: /\bmonths?\b|\bcalendar\b|\bdates?\b/,
    // Written months are capitalized; this also keeps the verb "may" out.
    matches: (v) => capitalized(v) && MONTHS.has(v.word),
  },
  {
    id: 'weekday',
    phrase: 'days of the week',
    cue: /\bdays? of the week\b|\bweekdays?\b|\bweekends?\b/,
    matches: (v) => WEEKDAYS.has(v.word) && (capitalized(v) || v.word.startsWith('weekend')),
  },
  {
    id: 'year',
    phrase: 'years',
    cue: /\byears?\b/,
    matches: (v) => /^(1[5-9]|20)\d\d$/.test(v.text),
  },
  {
    id: 'number',
    phrase: 'numbers',
    cue: /\bnumbers?\b|\bdigits?\b|\bnumer(?:als?|ic|ical)\b|\bquantit|\bamounts?\b|\bfigures\b|\bcounts?\b/,
    matches: (v) => /\d/.test(v.text) || NUMBER_WORDS.has(v.word),
  },
  {
    id: 'money',
    phrase: 'money and prices',
    cue: /\bmoney\b|\bcurrenc|\bprices?\b|\bdollars?\b|\bcosts?\b|\bfinanc/,
    matches: (v) =>
      /[$£€]/.test(v.text) ||
      /^(dollars?|cents?|pounds?|euros?|price|prices|cost|costs|paid|pay|budget)$/.test(v.word),
  },
  {
    id: 'closing-bracket',
    phrase: 'closing brackets and parentheses',
    cue: /\bclos(?:ing|e|es|ed)\b[^.]*?\b(?:brackets?|parenthes[ie]s|braces?)|\bright (?:brackets?|parenthes)/,
    matches: (v) => /[)\]}]/.test(v.text),
  },
  {
    id: 'opening-bracket',
    phrase: 'opening brackets and parentheses',
    cue: /\bopen(?:ing|s)?\b[^.]*?\b(?:brackets?|parenthes[ie]s|braces?)|\bleft (?:brackets?|parenthes)/,
    matches: (v) => /[([{]/.test(v.text),
  },
  {
    id: 'newline',
    phrase: 'line breaks',
    cue: /\bnew ?lines?\b|\bline ?breaks?\b|\bparagraph breaks?\b/,
    matches: (v) => v.token.includes('\n'),
  },
  {
    id: 'comma',
    phrase: 'commas',
    cue: /\bcommas?\b/,
    matches: (v) => v.text === ',',
  },
  {
    id: 'period',
    phrase: 'periods at the end of sentences',
    cue: /\bperiods?\b|\bfull stops?\b|\bends? of (?:a |the )?sentences?\b/,
    matches: (v) => /^\.+$/.test(v.text),
  },
  {
    id: 'quote',
    phrase: 'quotation marks',
    cue: /\bquotation marks?\b|\bquote marks?\b|\bquotes\b/,
    matches: (v) => /^["\u201c\u201d]|["\u201c\u201d]$/.test(v.text),
  },
  {
    id: 'question',
    phrase: 'question marks',
    cue: /\bquestion marks?\b|\bquestions?\b/,
    matches: (v) => v.text.includes('?'),
  },
  {
    id: 'punctuation',
    phrase: 'punctuation marks',
    cue: /\bpunctuation\b|\bsymbols?\b/,
    matches: (v) => v.text !== '' && /^[^\p{L}\p{N}\s]+$/u.test(v.text),
  },
  {
    id: 'code',
    phrase: 'programming code',
    cue: /\bcode\b|\bprogramming\b|\bsoftware\b|\bsyntax\b|\bfunctions?\b|\bvariables?\b|\bkeywords?\b/,
    matches: (v) =>
      CODE.has(v.word) ||
      SQL.has(v.text) ||
      /^(?:[=<>!+\-*/%&|]{2,3}|=|[{}]|\(\);?|\);|\w*_\w+|[a-z]+[A-Z]\w*|\w+\.\w+\(?)$/.test(v.text),
  },
  {
    id: 'weather',
    phrase: 'words about the weather',
    cue: /\bweather\b|\bclimate\b|\bforecasts?\b|\brain\b|\bstorms?\b|\btemperatures?\b/,
    matches: inSet(WEATHER),
  },
  {
    id: 'sports',
    phrase: 'words about sports',
    cue: /\bsports?\b|\bgames?\b|\bathlet|\bteams?\b|\bmatches\b|\bcompetitions?\b/,
    matches: inSet(SPORTS),
  },
  {
    id: 'food',
    phrase: 'words about food and cooking',
    cue: /\bfood\b|\bcooking\b|\brecipes?\b|\bmeals?\b|\bingredients?\b|\bkitchen\b|\bbaking\b/,
    matches: inSet(FOOD),
  },
  {
    id: 'animal',
    phrase: 'names of animals',
    cue: /\banimals?\b|\bpets?\b|\bwildlife\b|\bcreatures?\b/,
    matches: inSet(ANIMALS),
  },
  {
    id: 'colour',
    phrase: 'names of colours',
    cue: /\bcolou?rs?\b/,
    matches: inSet(COLOURS),
  },
  {
    id: 'person',
    phrase: "people's first names",
    cue: /\bfirst names?\b|\bnames of people\b|\bpeople'?s names\b|\bpersons?'? names?\b|\bpersonal names?\b/,
    matches: (v) => /^[A-Z]/.test(v.text) && FIRST_NAMES.has(v.word),
  },
  {
    id: 'place',
    phrase: 'names of places',
    cue: /\bplaces?\b|\bcities\b|\bcity\b|\bcountr(?:y|ies)\b|\blocations?\b|\bgeograph/,
    matches: inSet(PLACES),
  },
  {
    id: 'capitalized',
    phrase: 'capitalized words and proper nouns',
    cue: /\bcapitali[sz]ed\b|\bproper nouns?\b|\bproper names?\b/,
    matches: (v) => /^[A-Z][a-z]/.test(v.text),
  },
  {
    id: 'plural',
    phrase: 'plural nouns',
    cue: /\bplurals?\b/,
    matches: isPluralNoun,
  },
  {
    id: 'ing',
    phrase: 'words ending in "ing"',
    cue: /\bgerunds?\b|\bparticiples?\b|-ing\b|\bending in "?ing\b/,
    matches: (v) => LETTERS.test(v.word) && v.word.length > 4 && v.word.endsWith('ing'),
  },
  {
    id: 'possessive',
    phrase: 'possessive endings',
    cue: /\bpossessives?\b|\bapostrophes?\b/,
    matches: (v) => /^['\u2019]s?$/.test(v.text),
  },
  {
    id: 'abbreviation',
    phrase: 'abbreviations and initials',
    cue: /\babbreviat|\binitials\b|\bacronyms?\b/,
    matches: (v) => /^[A-Z]{2,6}s?$|^[A-Z]\.$/.test(v.text) || /^(?:[A-Z]\.){2,}$/.test(v.text),
  },
  {
    id: 'article',
    phrase: 'articles',
    cue: /\barticles?\b|\bdeterminers?\b/,
    matches: inSet(ARTICLES),
  },
  {
    id: 'pronoun',
    phrase: 'pronouns',
    cue: /\bpronouns?\b/,
    matches: inSet(PRONOUNS),
  },
  {
    id: 'preposition',
    phrase: 'prepositions',
    cue: /\bprepositions?\b/,
    matches: inSet(PREPOSITIONS),
  },
  {
    id: 'negation',
    phrase: 'negations',
    cue: /\bnegations?\b|\bnegative words\b/,
    matches: (v) => NEGATIONS.has(v.word) || v.text === "n't",
  },
];
