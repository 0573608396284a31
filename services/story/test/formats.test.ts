import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Screenplay } from '@automovie/contracts';
import { AutomovieError } from '@automovie/contracts';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { fromRuns, toRuns } from '../src/fdx/emphasis.ts';
import { parseFdx } from '../src/fdx/parse.ts';
import { writeFdx } from '../src/fdx/write.ts';
import { detectFormat, parseScreenplay, writeScreenplay } from '../src/formats.ts';
import { parseFountain } from '../src/fountain/parse.ts';
import { writeFountain } from '../src/fountain/write.ts';
import { parsePlainText } from '../src/plain-text.ts';
import { parseCue, parseHeading } from '../src/screenplay-model.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

/** What must survive every conversion: scene headings, and who says what. */
function essence(s: Screenplay) {
  return {
    scenes: s.scenes.map((sc) => sc.heading),
    characters: [...new Set(s.scenes.flatMap((sc) => sc.elements.flatMap((e) => (e.type === 'dialogue' ? [e.character] : []))))].sort(),
    lines: s.scenes.flatMap((sc) =>
      sc.elements.flatMap((e) =>
        e.type === 'dialogue' ? [[sc.heading, e.character, e.extension ?? '', e.parenthetical ?? '', e.text, e.dual === true]] : [],
      ),
    ),
  };
}

function codeOf(fn: () => unknown): { code: string; message: string; data: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof AutomovieError) return { code: err.code, message: err.message, data: err.data };
    throw err;
  }
  throw new Error('expected an error');
}

const FOUNTAIN = ['feature.fountain', 'short-no-title.fountain', 'edge-cases.fountain', 'crlf-unicode.fountain'];
const FDX = ['final-draft.fdx', 'older.fdx'];
const TEXT = ['indented.txt', 'flush.txt'];

describe('round trips', () => {
  it.each(FOUNTAIN)('%s: Fountain → write → parse is the identity', (name) => {
    const first = parseFountain(fixture(name)).screenplay;
    expect(parseFountain(writeFountain(first)).screenplay).toEqual(first);
  });

  it.each(FOUNTAIN)('%s: Fountain → FDX → parse is the identity', (name) => {
    const first = parseFountain(fixture(name)).screenplay;
    const fdx = writeFdx(first);
    expect(XMLValidator.validate(fdx)).toBe(true);
    expect(parseFdx(fdx).screenplay).toEqual(first);
  });

  it.each(FDX)('%s: FDX → write → parse is the identity, and Fountain keeps scenes, characters and lines', (name) => {
    const first = parseFdx(fixture(name)).screenplay;
    expect(parseFdx(writeFdx(first)).screenplay).toEqual(first);
    expect(essence(parseFountain(writeFountain(first)).screenplay)).toEqual(essence(first));
  });

  it.each(TEXT)('%s: plain text → Fountain and FDX keep scenes, characters and lines', (name) => {
    const first = parseScreenplay('text', fixture(name)).screenplay;
    expect(parseFountain(writeFountain(first)).screenplay).toEqual(first);
    expect(parseFdx(writeFdx(first)).screenplay).toEqual(first);
  });
});

describe('Fountain reading', () => {
  const sp = parseFountain(fixture('feature.fountain')).screenplay;
  const scene = (n: number) => sp.scenes[n - 1]!;

  it('reads the title page, multi-line values included', () => {
    expect(sp.title).toBe("THE LIGHTHOUSE KEEPER'S DAUGHTER");
    expect(Object.keys(sp.titlePage)).toEqual(['Title', 'Credit', 'Author', 'Source', 'Draft date', 'Contact', 'Notes']);
    expect(sp.titlePage.Contact).toBe('Ines Varga\n14 Quay Street\nGalway, Ireland\nines@example.com');
    expect(sp.titlePage.Title).toBe("_**THE LIGHTHOUSE KEEPER'S DAUGHTER**_");
  });

  it('keeps sections, synopses and FADE IN before the first scene', () => {
    expect(sp.preamble).toEqual([
      { type: 'note', kind: 'section', depth: 1, text: 'ACT ONE' },
      { type: 'note', kind: 'synopsis', text: "A storm keeper's daughter finds her father's logbook." },
      { type: 'action', text: 'FADE IN:' },
      { type: 'note', kind: 'section', depth: 2, text: 'The island' },
    ]);
  });

  it('reads headings, forced headings and scene numbers', () => {
    expect(sp.scenes.map((s) => [s.heading, s.numberLabel, s.intExt, s.location, s.timeOfDay])).toEqual([
      ['EXT. LIGHTHOUSE - NIGHT', '1', 'EXT', 'LIGHTHOUSE', 'NIGHT'],
      ['INT. LANTERN ROOM - CONTINUOUS', '2', 'INT', 'LANTERN ROOM', 'CONTINUOUS'],
      ['SNIPER SCOPE POV', '2A', 'INT', 'SNIPER SCOPE POV', 'DAY'],
      ['EXT. HARBOUR - DAWN', '3', 'EXT', 'HARBOUR', 'DAWN'],
      ["INT. KEEPER'S COTTAGE - NIGHT", '4', 'INT', "KEEPER'S COTTAGE", 'NIGHT'],
      ['EXT. CLIFF PATH - DUSK', '5', 'EXT', 'CLIFF PATH', 'DUSK'],
    ]);
    expect(scene(1).summary).toBe('The storm arrives; MARA climbs the tower.');
  });

  it('reads dialogue with parentheticals, extensions, dual dialogue and forced characters', () => {
    expect(scene(1).elements.filter((e) => e.type === 'dialogue')).toEqual([
      { type: 'dialogue', character: 'MARA', parenthetical: 'shouting', text: "Dad! The lamp's out!" },
      { type: 'dialogue', character: 'TOMAS', extension: 'O.S.', text: 'Then light it yourself, girl.' },
      { type: 'dialogue', character: 'MARA', text: "I can't reach—" },
      { type: 'dialogue', character: 'TOMAS', extension: 'V.O.', dual: true, text: 'You always could.' },
    ]);
    expect(scene(4).elements).toContainEqual({ type: 'dialogue', character: 'McGUIRE', text: "You'll not find him out there, lass." });
    expect(scene(4).elements).toContainEqual({
      type: 'dialogue',
      character: 'OLD FISHERMAN',
      cueExtras: '(singing)',
      text: 'Bring my father home...',
    });
    expect(scene(4).elements).toContainEqual({
      type: 'dialogue',
      character: 'MARA',
      parenthetical: 'not turning',
      text: 'Watch me.\n(beat)\nJust watch.',
    });
    expect(
      scene(5)
        .elements.filter((e) => e.type === 'dialogue')
        .map((e) => e.type === 'dialogue' && [e.character, e.dual]),
    ).toEqual([
      ['BRICK', undefined],
      ['MARA', true],
    ]);
  });

  it('reads forced action, transitions, centered text, lyrics, notes, boneyard and page breaks; emphasis stays verbatim', () => {
    expect(scene(2).elements).toEqual([
      { type: 'action', text: 'The great lens sits dark. MARA strikes a match.' },
      { type: 'action', text: 'THE MATCH GOES OUT.' },
      { type: 'action', text: 'She tries again. **It catches.**' },
      { type: 'transition', text: 'SMASH CUT TO:' },
    ]);
    expect(scene(1).elements).toContainEqual({ type: 'note', text: 'Check whether the V.O. reads as a memory or a ghost.' });
    expect(scene(4).elements[0]).toEqual({ type: 'lyric', text: 'Row, row, the morning tide,\nbring my father home.' });
    expect(scene(4).elements.at(-2)).toMatchObject({ type: 'note', kind: 'boneyard' });
    expect((scene(4).elements.at(-2) as { text: string }).text).toContain("McGUIRE\nThe company won't pay.");
    expect(scene(4).elements.at(-1)).toEqual({ type: 'page_break' });
    expect(scene(5).elements[0]).toEqual({ type: 'centered', text: 'THE LOGBOOK' });
    expect(scene(6).elements.at(-1)).toEqual({ type: 'transition', text: 'FADE OUT.' });
  });

  it('handles the edge cases: tabs, forced @ names, blank lines in speech, multi-line notes, INT./EXT., I/E, EST., lower-case headings', () => {
    const e = parseFountain(fixture('edge-cases.fountain')).screenplay;
    expect(e.scenes.map((s) => [s.heading, s.intExt])).toEqual([
      ['INT./EXT. CAR - DAY', 'INT/EXT'],
      ['I/E TRUCK CAB - NIGHT', 'INT/EXT'],
      ['EST. CITY SKYLINE - DAWN', 'EXT'],
      ['INTERCUT - KITCHEN / HALLWAY', 'INT'],
      ['int. lowercase heading - day', 'INT'],
      ['ext. the end - night', 'EXT'],
    ]);
    const car = e.scenes[0]!.elements;
    expect(car[0]).toEqual({ type: 'action', text: 'SCREAMING. THE WHOLE CAR SHAKES.\nTHEN SILENCE.' });
    expect(car[1]).toEqual({ type: 'action', text: '\tIndented with a tab, kept as written.\n    And four spaces here.' });
    expect(car[2]).toEqual({ type: 'dialogue', character: 'McCLANE', text: 'Yippee-ki-yay.' });
    expect(car[3]).toEqual({
      type: 'dialogue',
      character: 'HANS',
      extension: "CONT'D",
      cueExtras: '(on the radio)',
      text: 'You have no power here.\n\nA blank line above, inside the speech.',
    });
    const truck = e.scenes[1]!.elements;
    expect(truck[0]).toEqual({ type: 'action', text: 'Action with an inline [[inline note]] and an escaped \\*asterisk\\*.' });
    expect(truck[1]).toEqual({ type: 'note', text: 'A note that runs\nover two lines\n\nand even past a blank one.' });
    expect(e.scenes[2]!.elements[0]).toMatchObject({
      type: 'note',
      kind: 'boneyard',
      text: '\nEXT. DELETED SCENE - DAY\n\nNobody will ever see this.\n',
    });
    expect(e.scenes[3]!.elements.slice(2)).toEqual([
      { type: 'centered', text: 'END OF PART ONE' },
      { type: 'centered', text: 'CREDITS ROLL\nIN SILENCE' },
    ]);
    expect(e.scenes[4]!.elements).toEqual([
      { type: 'lyric', text: 'La la la\nla la.' },
      { type: 'note', kind: 'section', depth: 3, text: 'Deep section' },
      { type: 'page_break' },
    ]);
  });

  it('reads CRLF, a byte-order mark and accented names', () => {
    const c = parseFountain(fixture('crlf-unicode.fountain')).screenplay;
    expect(c.title).toBe("Zoë's Café");
    expect(essence(c).characters).toEqual(['RENÉ', 'ZOË']);
    expect(c.scenes[1]!.timeOfDay).toBe('DUSK');
  });

  it('takes FADE IN: at the start as action, not as a title page', () => {
    const s = parseFountain(fixture('short-no-title.fountain')).screenplay;
    expect(s.titlePage).toEqual({});
    expect(s.title).toBe('Untitled');
    expect(s.preamble).toEqual([{ type: 'action', text: 'FADE IN:' }]);
    expect(essence(s).lines).toHaveLength(8);
  });
});

describe('FDX reading', () => {
  const fd = parseFdx(fixture('final-draft.fdx'));
  const sp = fd.screenplay;

  it('reads the title page of a Final Draft file', () => {
    expect(sp.title).toBe('The Star Mender');
    expect(sp.titlePage).toEqual({
      Title: '_The Star Mender_',
      Credit: 'written by',
      Author: 'Priya Raman',
      'Draft date': 'Second Draft, 2 May 2024',
      Contact: 'priya@example.org',
    });
  });

  it('reads paragraphs by type, dual dialogue, styles, scene numbers, summaries and page breaks', () => {
    expect(sp.preamble).toEqual([{ type: 'action', text: 'FADE IN:' }]);
    expect(sp.scenes.map((s) => [s.heading, s.numberLabel, s.summary])).toEqual([
      ['EXT. OBSERVATORY ROOF - NIGHT', '1', 'Ada finds the broken telescope.'],
      ["INT. GRANDPA'S WORKSHOP - NIGHT", '2', ''],
    ]);
    const roof = sp.scenes[0]!.elements;
    expect(roof[0]).toEqual({
      type: 'action',
      text: 'Stars. A dome creaks open. ADA (12) climbs out with a **flashlight** and a screwdriver.',
    });
    expect(roof[1]).toEqual({ type: 'dialogue', character: 'ADA', parenthetical: 'whispering', text: 'Please work. Please, please work.' });
    expect(roof[2]).toEqual({ type: 'action', fdxType: 'Shot', text: 'CLOSE ON THE EYEPIECE' });
    expect(roof[3]).toEqual({ type: 'action', text: 'A crack runs through the glass & the brass is bent.' });
    expect(roof.slice(5, 7)).toEqual([
      { type: 'dialogue', character: 'ADA', text: 'Coming!' },
      { type: 'dialogue', character: 'GRANDPA', extension: 'O.S.', dual: true, text: 'Now, please!' },
    ]);
    expect(roof.at(-1)).toEqual({ type: 'page_break' });
    const shop = sp.scenes[1]!.elements;
    expect(shop[1]).toEqual({ type: 'dialogue', character: 'GRANDPA', text: 'Your grandmother built this.\n(beat)\nWe can *fix* it.' });
    expect(shop[2]).toEqual({ type: 'action', fdxType: 'General', text: 'A NOTE ON SET: the workshop is lit only by one lamp.' });
    expect(fd.warnings).toEqual([]);
  });

  it('keeps unknown paragraph types as action with a warning, entities decoded', () => {
    const old = parseFdx(fixture('older.fdx'));
    expect(old.warnings).toEqual(['line 12: paragraph type "Cast List" has no screenplay element; kept as action']);
    expect(old.screenplay.scenes[0]!.elements[2]).toEqual({
      type: 'dialogue',
      character: 'MUM',
      extension: 'O.S.',
      parenthetical: 'from upstairs',
      text: 'Use a plate!\nAnd don’t run!',
    });
    expect(old.screenplay.scenes[1]!.elements).toEqual([{ type: 'centered', text: 'THE END' }]);
  });
});

describe('FDX writing', () => {
  it('writes well-formed Final Draft XML with escaping, dual dialogue blocks and styled runs', () => {
    const sp: Screenplay = {
      title: 'Fish & <Chips> "Inc"',
      titlePage: {},
      scenes: [
        {
          number: 1,
          heading: 'INT. CHIP SHOP & CAFE - NIGHT',
          intExt: 'INT',
          location: 'CHIP SHOP & CAFE',
          timeOfDay: 'NIGHT',
          summary: 'Salt < vinegar',
          elements: [
            { type: 'action', text: 'A sign: "OPEN <24h> & **proud**".' },
            { type: 'dialogue', character: 'AL', text: 'Cod?' },
            { type: 'dialogue', character: 'BEA', text: 'Haddock & chips!', dual: true },
          ],
        },
      ],
    };
    const xml = writeFdx(sp);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
    expect(doc.FinalDraft.DocumentType).toBe('Script');
    expect(xml).toContain('<Paragraph Type="Scene Heading"><SceneProperties');
    expect(xml).toContain('<DualDialogue>');
    expect(xml).toContain('<Text Style="Bold">proud</Text>');
    expect(xml).toContain('Fish &amp; &lt;Chips&gt; &quot;Inc&quot;');
    expect(parseFdx(xml).screenplay).toEqual({ ...sp, titlePage: { Title: 'Fish & <Chips> "Inc"' } });
  });

  it('turns emphasis into runs and back', () => {
    for (const t of [
      'plain',
      '**bold** and *it* and _under_',
      '***both*** 2*3*4',
      '_**x**_ y',
      '**bold *and italic* bold**',
      'lone * star',
      'a \\*b\\*',
    ]) {
      expect(fromRuns(toRuns(t))).toBe(t);
    }
    expect(toRuns('**b** c')).toEqual([
      { text: 'b', bold: true, italic: false, underline: false },
      { text: ' c', bold: false, italic: false, underline: false },
    ]);
  });
});

describe('plain text', () => {
  it('reads an indented, printed screenplay: scene numbers, title page, cues, parentheticals, transitions; drops page numbers', () => {
    const r = parsePlainText(fixture('indented.txt'));
    expect(r.screenplay.titlePage).toEqual({ Title: 'THE PAPER BOAT', Credit: 'written by', Author: 'Tomas Novak' });
    expect(r.screenplay.preamble).toEqual([{ type: 'transition', text: 'FADE IN:' }]);
    expect(r.screenplay.scenes.map((s) => [s.heading, s.numberLabel])).toEqual([
      ['EXT. CANAL - DAY', '1'],
      ["INT. LENA'S ROOM - NIGHT", '2'],
    ]);
    expect(essence(r.screenplay).lines).toEqual([
      ['EXT. CANAL - DAY', 'LENA', '', '', 'Wait! Wait for me!', false],
      ['EXT. CANAL - DAY', 'OLD MAN', '', 'from a bench', 'It never waits, little one.', false],
      ["INT. LENA'S ROOM - NIGHT", 'LENA', 'V.O.', '', 'The next one will come back. I know it will.', false],
    ]);
    expect(r.warnings).toEqual(['1 page-furniture line(s) dropped (page numbers, (MORE), CONTINUED)']);
  });

  it('reads a flush-left draft', () => {
    const r = parsePlainText(fixture('flush.txt')).screenplay;
    expect(essence(r).characters).toEqual(['KIM', 'RAJ']);
    expect(r.scenes[1]!.elements.at(-1)).toEqual({ type: 'transition', text: 'FADE OUT.' });
  });
});

describe('format detection and errors', () => {
  it('detects FDX, indented plain text and Fountain', () => {
    expect(detectFormat(fixture('final-draft.fdx'))).toBe('fdx');
    expect(detectFormat(fixture('indented.txt'))).toBe('text');
    expect(detectFormat(fixture('feature.fountain'))).toBe('fountain');
    expect(codeOf(() => detectFormat('<html><body/></html>')).code).toBe('STORY_UNKNOWN_FORMAT');
  });

  it('names the line of an unterminated boneyard or note', () => {
    const e = codeOf(() => parseFountain(fixture('unterminated-boneyard.fountain')));
    expect(e).toMatchObject({ code: 'STORY_PARSE_ERROR', data: { line: 7, format: 'fountain' } });
    expect(e.message).toBe('fountain at line 7: boneyard "/*" is never closed with "*/"');
    expect(codeOf(() => parseFountain('INT. A - DAY\n\nHello.\n\n[[never closed\n')).message).toBe(
      'fountain at line 5: note "[[" is never closed with "]]"',
    );
  });

  it('names the line of malformed FDX', () => {
    expect(codeOf(() => parseFdx(fixture('not-well-formed.fdx')))).toMatchObject({ code: 'STORY_PARSE_ERROR', data: { line: 6 } });
    expect(codeOf(() => parseFdx('<?xml version="1.0"?>\n<Script><Content/></Script>')).message).toMatch(/root element is <Script>/);
    expect(codeOf(() => parseFdx('<!DOCTYPE x [<!ENTITY a "b">]>\n<FinalDraft/>')).message).toMatch(/DOCTYPE is not allowed/);
    const noName =
      '<FinalDraft DocumentType="Script">\n<Content>\n<Paragraph Type="Scene Heading"><Text>INT. A - DAY</Text></Paragraph>\n<Paragraph Type="Character"><Text> </Text></Paragraph>\n</Content>\n</FinalDraft>';
    expect(codeOf(() => parseFdx(noName))).toMatchObject({ code: 'STORY_PARSE_ERROR', data: { line: 4 } });
  });

  it('refuses empty content and scripts without scenes, and names the line of a value the contracts refuse', () => {
    expect(codeOf(() => parseScreenplay('auto', '  \n')).code).toBe('STORY_EMPTY_CONTENT');
    expect(codeOf(() => parseScreenplay('fountain', 'Just some action.\n\nAnd more.')).code).toBe('STORY_IMPORT_NO_SCENES');
    const longCue = `INT. A - DAY\n\n@${'A'.repeat(130)}\nHi.\n`;
    expect(codeOf(() => parseFountain(longCue))).toMatchObject({ code: 'STORY_PARSE_ERROR', data: { line: 3 } });
  });

  it('writes through the format switch', () => {
    const sp = parseFountain(fixture('flush.txt')).screenplay;
    expect(writeScreenplay('fountain', sp)).toBe(writeFountain(sp));
    expect(writeScreenplay('fdx', sp)).toBe(writeFdx(sp));
  });
});

describe('slug lines and cues', () => {
  it('derives intExt, location and time of day', () => {
    expect(parseHeading('INT. HOUSE - KITCHEN - AFTERNOON')).toEqual({
      heading: 'INT. HOUSE - KITCHEN - AFTERNOON',
      intExt: 'INT',
      location: 'HOUSE - KITCHEN',
      timeOfDay: 'DAY',
    });
    expect(parseHeading('EXT/INT CAR - MOMENTS LATER')).toMatchObject({ intExt: 'INT/EXT', location: 'CAR', timeOfDay: 'LATER' });
    expect(parseHeading('ext. beach')).toMatchObject({ intExt: 'EXT', location: 'beach', timeOfDay: 'DAY' });
  });

  it('reads cues', () => {
    expect(parseCue("BOB (V.O.) (CONT'D) ^")).toEqual({ character: 'BOB', extension: 'V.O.', cueExtras: "(CONT'D)", dual: true });
    expect(parseCue('@McAVOY (cont’d)')).toEqual({ character: 'McAVOY', extension: "CONT'D", dual: false });
  });
});
