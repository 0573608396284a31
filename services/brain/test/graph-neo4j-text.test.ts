import { describe, expect, it } from 'vitest';
import { analyzeText, MAX_QUERY_TERMS, normaliseWord, porterStem, queryTerms } from '../src/graph/neo4j-text.ts';

describe('Porter stemmer', () => {
  // Examples of M.F. Porter's paper (1980), each through the whole algorithm.
  const pairs: Array<[string, string]> = [
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['ties', 'ti'],
    ['caress', 'caress'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['bled', 'bled'],
    ['motoring', 'motor'],
    ['sing', 'sing'],
    ['conflated', 'conflat'],
    ['troubled', 'troubl'],
    ['sized', 'size'],
    ['hopping', 'hop'],
    ['tanned', 'tan'],
    ['falling', 'fall'],
    ['hissing', 'hiss'],
    ['fizzed', 'fizz'],
    ['failing', 'fail'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['sky', 'sky'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['rational', 'ration'],
    ['digitizer', 'digit'],
    ['operator', 'oper'],
    ['feudalism', 'feudal'],
    ['decisiveness', 'decis'],
    ['hopefulness', 'hope'],
    ['callousness', 'callous'],
    ['triplicate', 'triplic'],
    ['formative', 'form'],
    ['formalize', 'formal'],
    ['electrical', 'electr'],
    ['hopeful', 'hope'],
    ['goodness', 'good'],
    ['revival', 'reviv'],
    ['allowance', 'allow'],
    ['inference', 'infer'],
    ['airliner', 'airlin'],
    ['gyroscopic', 'gyroscop'],
    ['adjustable', 'adjust'],
    ['defensible', 'defens'],
    ['irritant', 'irrit'],
    ['replacement', 'replac'],
    ['adjustment', 'adjust'],
    ['dependent', 'depend'],
    ['adoption', 'adopt'],
    ['communism', 'commun'],
    ['activate', 'activ'],
    ['effective', 'effect'],
    ['bowdlerize', 'bowdler'],
    ['probate', 'probat'],
    ['rate', 'rate'],
    ['cease', 'ceas'],
    ['controll', 'control'],
    ['roll', 'roll'],
    ['generalizations', 'gener'],
    ['oscillators', 'oscil'],
    // The published departures of the reference implementation.
    ['archeology', 'archeolog'],
    ['possibly', 'possibl'],
    // Short words are left alone.
    ['is', 'is'],
    ['as', 'as'],
  ];

  it.each(pairs)('%s → %s', (word, stem) => {
    expect(porterStem(word)).toBe(stem);
  });

  it('brings the inflections of one word together', () => {
    expect(new Set(['walk', 'walks', 'walked', 'walking'].map(porterStem))).toEqual(new Set(['walk']));
    expect(new Set(['connect', 'connected', 'connecting', 'connection', 'connections'].map(porterStem))).toEqual(new Set(['connect']));
  });
});

describe('text analysis', () => {
  it('folds accents and case, stems English words and leaves other scripts as words', () => {
    expect(analyzeText('Café RÉSUMÉ naïve')).toEqual(['cafe', 'resum', 'naiv']);
    expect(analyzeText('The detective walks near the river')).toEqual(['the', 'detect', 'walk', 'near', 'the', 'river']);
    expect(analyzeText('東京 Ελλάδα straße')).toEqual(['東京', 'ελλαδα', 'straße']);
    expect(analyzeText('ﬁle Ⅻ')).toEqual(['file', 'xii']); // NFKC first
  });

  it('keeps words only: punctuation and query syntax are separators', () => {
    expect(analyzeText('"quoted" NEAR(things) AND more; x*y -z ^w a:b')).toEqual([
      'quot',
      'near',
      'thing',
      'and',
      'more',
      'x',
      'y',
      'z',
      'w',
      'a',
      'b',
    ]);
    expect(analyzeText('*** "" ()')).toEqual([]);
    expect(analyzeText('')).toEqual([]);
  });

  it('cuts very long words', () => {
    const [w] = analyzeText('x'.repeat(500));
    expect(w).toHaveLength(100);
    expect(normaliseWord('Y'.repeat(300))).toHaveLength(100);
  });

  it('gives a query its distinct words, at most MAX_QUERY_TERMS', () => {
    expect(queryTerms('river River RIVERS rivers!')).toEqual(['river']);
    const many = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(queryTerms(many)).toHaveLength(MAX_QUERY_TERMS);
    expect(queryTerms('   ')).toEqual([]);
  });

  it('finds what the contract expects, by shared words (the full-text index matches any word)', () => {
    const docs: Array<[string, string]> = [
      ['d1', 'The detective walks near the river at night'],
      ['d2', 'A river of gold flows through the vault; gold everywhere, gold gold'],
      ['d3', 'Storyboard render for the river chase'],
      ['d4', 'Either this or that: "quoted" words, stars * and NEAR(things) AND more'],
      ['d5', 'Café résumé naïve'],
    ];
    const indexed = docs.map(([id, text]) => [id, new Set(analyzeText(text))] as const);
    const find = (query: string) =>
      indexed
        .filter(([, words]) => queryTerms(query).some((t) => words.has(t)))
        .map(([id]) => id)
        .sort();
    expect(find('river')).toEqual(['d1', 'd2', 'd3']);
    expect(find('walking')).toEqual(['d1']);
    expect(find('cafe RESUME')).toEqual(['d5']);
    expect(find('OR')).toEqual(['d4']);
    expect(find('"quoted"')).toEqual(['d4']);
    expect(find('NEAR(')).toEqual(['d1', 'd4']);
    expect(find('NOT river')).toEqual(['d1', 'd2', 'd3']);
    expect(find('submarine')).toEqual([]);
    expect(find('*')).toEqual([]);
  });
});
