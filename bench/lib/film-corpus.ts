/**
 * A seeded, film-like corpus for the brain bench: scene descriptions built from a vocabulary of
 * characters, roles, actions, objects, places and moods, with words drawn on a Zipf-like curve so
 * some are common and most are rare, as in real text. The same seed gives the same documents and
 * queries on every machine. The local embedder hashes words and word pieces, so two texts that
 * share characters, places or actions get nearby vectors: a search has neighbours worth finding.
 */

/** sfc32: a small, fast, well-mixed 32-bit PRNG; `next()` is uniform in [0, 1). */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d = 1;

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An item of `list`, uniformly. */
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)] as T;
  }
}

const words = (s: string) => s.trim().split(/\s+/);

const NAMES = words(`
  Mara Leo Ruiz Osei Ines Tomas Nadia Felix Ada Bruno Clara Dmitri Elena Farid Greta Hugo Iris Jonas Kira Luca
  Maya Nico Olga Pavel Quinn Rosa Sami Tess Umar Vera Walt Xena Yuki Zane Abel Bea Cyrus Dora Emil Flora
  Gus Hana Ivo Jade Kofi Lena Milo Nora Otto Pia Raul Sofia Theo Uma Viktor Wren Yara Zoe Anton Bianca
  Cato Delia Ezra Fern Gideon Helga Isak Juno Kai Lior Marek Noor Orla Petra Rafe Selma Tariq Ulla Vito Willa
`);
const ROLES = words(`
  detective nurse pilot fisherman teacher smuggler priest soldier painter journalist surgeon thief widow farmer
  singer mechanic diplomat sailor lawyer hacker astronaut baker boxer captain chemist dancer drifter engineer
  gambler gardener guard hunter inventor janitor judge librarian magician miner monk musician photographer poet
  prince queen ranger reporter scientist shepherd spy student tailor trucker veteran waitress witch writer
`);
const VERBS = words(`
  opens hides carries burns steals finds reads drops repairs buries studies paints loads signs tears wraps
  smashes inspects polishes hands sells guards counts unlocks shakes lifts drags throws catches examines cleans
  photographs sketches pockets returns trades weighs loses forgets follows chases watches confronts kisses
  questions warns comforts betrays rescues ignores greets interrogates meets fights embraces abandons tracks
`);
const OBJECTS = words(`
  camera letter knife map ring suitcase photograph revolver diary key lantern radio violin telescope compass
  bottle necklace briefcase notebook typewriter umbrella helmet mirror passport ticket envelope clock crown
  sword shovel rope candle mask coat painting record telegram cassette medal rifle chessboard flask wallet
  bouquet hammer blanket manuscript microphone film reel locket saddle scarf crate barrel anchor guitar
`);
const PLACES = words(`
  lighthouse harbor station desert kitchen rooftop cathedral warehouse hospital courtroom library casino
  greenhouse subway forest bridge motel garage prison theater vineyard orchard mine tunnel pier ballroom
  attic basement cemetery laboratory monastery palace ranch saloon school stadium studio tavern temple village
  airport bakery barracks canyon carnival chapel cottage factory farmhouse ferry glacier highway island jungle
`);
const ADJECTIVES = words(`
  old broken silent burning empty hidden stolen rusty golden frozen wet ancient secret shattered crimson
  tattered dusty flickering abandoned forgotten elegant crooked heavy fragile gleaming haunted muddy narrow
  pale quiet ragged scarred shabby sleek smoky sunlit tiny vast velvet weathered wild wooden worn dark bright
`);
const ADVERBS = words(`
  slowly quietly angrily nervously carefully silently desperately suddenly gently proudly bitterly calmly
  coldly eagerly fiercely gravely hastily joyfully reluctantly sadly softly tenderly wearily wildly
`);
const TIMES = ['DAY', 'NIGHT', 'DAWN', 'DUSK', 'MORNING', 'EVENING', 'CONTINUOUS', 'LATER'];
const WEATHER = words(`rain snow fog storm heat wind thunder drizzle moonlight sunrise sunset darkness`);

/**
 * Zipf-like draw over `list`: index ⌊n·u³⌋ puts about half the draws on the first fifth of the
 * list, as a few names, places and verbs dominate real scripts.
 */
function zipf<T>(rng: Prng, list: readonly T[]): T {
  const u = rng.next();
  return list[Math.floor(list.length * u * u * u)] as T;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function sentence(rng: Prng): string {
  const who = zipf(rng, NAMES);
  const role = zipf(rng, ROLES);
  const adj = zipf(rng, ADJECTIVES);
  const obj = zipf(rng, OBJECTS);
  const verb = zipf(rng, VERBS);
  const place = zipf(rng, PLACES);
  switch (rng.int(5)) {
    case 0:
      return `${who}, a ${zipf(rng, ADJECTIVES)} ${role}, ${verb} the ${adj} ${obj} in the ${place}.`;
    case 1:
      return `In the ${zipf(rng, WEATHER)}, ${who} ${zipf(rng, ADVERBS)} ${verb} a ${adj} ${obj} near the ${place}.`;
    case 2:
      return `${who} ${verb} ${zipf(rng, NAMES)} the ${role} while the ${adj} ${obj} lies on the floor of the ${place}.`;
    case 3:
      return `The ${role} ${verb} the ${obj}; ${who} watches ${zipf(rng, ADVERBS)} from the ${adj} ${place}.`;
    default:
      return `${cap(adj)} ${obj} in hand, ${who} ${verb} the ${zipf(rng, ROLES)} at the ${place}.`;
  }
}

export interface FilmDocument {
  title: string;
  content: string;
}

/**
 * `count` documents from `seed`: a scene heading as the title and two to four sentences of
 * action (about 150–350 characters), like the scene notes the brain stores.
 */
export function filmDocuments(seed: number, count: number, from = 0): FilmDocument[] {
  const out: FilmDocument[] = new Array(count);
  for (let i = 0; i < count; i++) {
    // One generator per document: document n is the same whatever range it is generated in.
    const rng = new Prng(seed * 1_000_003 + from + i);
    const place = zipf(rng, PLACES).toUpperCase();
    const title = `${rng.next() < 0.5 ? 'INT.' : 'EXT.'} ${place} - ${rng.pick(TIMES)}`;
    const n = 2 + rng.int(3);
    let content = sentence(rng);
    for (let s = 1; s < n; s++) content += ` ${sentence(rng)}`;
    out[i] = { title, content };
  }
  return out;
}

/**
 * `count` search queries from `seed` (disjoint from any document seed): what a writer would
 * type, three to eight words, function words included ("the detective in the rain").
 */
export function filmQueries(seed: number, count: number): string[] {
  const rng = new Prng(seed ^ 0x5eed5eed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    switch (rng.int(4)) {
      case 0:
        out.push(`${zipf(rng, NAMES)} ${zipf(rng, VERBS)} the ${zipf(rng, OBJECTS)}`);
        break;
      case 1:
        out.push(`the ${zipf(rng, ADJECTIVES)} ${zipf(rng, ROLES)} in the ${zipf(rng, PLACES)}`);
        break;
      case 2:
        out.push(`${zipf(rng, ROLES)} ${zipf(rng, VERBS)} a ${zipf(rng, ADJECTIVES)} ${zipf(rng, OBJECTS)} at night`);
        break;
      default:
        out.push(`${zipf(rng, WEATHER)} over the ${zipf(rng, PLACES)}, ${zipf(rng, NAMES)} and the ${zipf(rng, OBJECTS)}`);
    }
  }
  return out;
}
