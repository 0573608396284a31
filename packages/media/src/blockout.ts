import { type BlockoutElement, BlockoutElementSchema } from '@automovie/contracts';
import { type Accessor, Document, type Material, NodeIO, type TypedArray } from '@gltf-transform/core';
import { z } from 'zod';
import { parseMediaInput } from './errors.ts';
import { hashString, parseHex, seededRandom } from './svg.ts';

/**
 * A procedural glTF blockout of a set: a ground plane and one node per element (box, cylinder,
 * plane or sphere) with its size, position and colour, written as GLB. Positions are where an
 * element's base centre sits, in metres, y up (the glTF convention); elements without one are
 * laid out on a grid. Geometry is generated here, so the output depends only on the input.
 */

export interface BlockoutInput {
  /** Free text about the set; elements are derived from its words when `elements` is empty. */
  description: string;
  elements: BlockoutElement[];
  /** Picks colours for elements without one. */
  seed: number;
}

const InputSchema = z.object({
  description: z.string().max(20_000),
  elements: z.array(BlockoutElementSchema).max(500),
  seed: z.number().int(),
});

type Shape = BlockoutElement['shape'];
type Vec3 = [number, number, number];

// What a word in a description becomes: shape and size in metres (width, height, depth).
const VOCABULARY: Record<string, { shape: Shape; size: Vec3 }> = {
  wall: { shape: 'box', size: [6, 3, 0.2] },
  floor: { shape: 'plane', size: [6, 0.01, 6] },
  rug: { shape: 'plane', size: [2.5, 0.01, 1.8] },
  door: { shape: 'box', size: [0.9, 2.1, 0.08] },
  window: { shape: 'box', size: [1.2, 1.3, 0.1] },
  table: { shape: 'box', size: [1.6, 0.75, 0.9] },
  chair: { shape: 'box', size: [0.5, 0.9, 0.5] },
  desk: { shape: 'box', size: [1.4, 0.75, 0.7] },
  bed: { shape: 'box', size: [1.6, 0.55, 2.1] },
  sofa: { shape: 'box', size: [2.1, 0.85, 0.9] },
  couch: { shape: 'box', size: [2.1, 0.85, 0.9] },
  shelf: { shape: 'box', size: [1, 2, 0.35] },
  bookshelf: { shape: 'box', size: [1, 2, 0.35] },
  counter: { shape: 'box', size: [2.5, 0.95, 0.65] },
  bar: { shape: 'box', size: [3, 1.1, 0.6] },
  fridge: { shape: 'box', size: [0.7, 1.8, 0.7] },
  cabinet: { shape: 'box', size: [1, 0.9, 0.5] },
  lamp: { shape: 'cylinder', size: [0.35, 1.6, 0.35] },
  streetlight: { shape: 'cylinder', size: [0.25, 4.5, 0.25] },
  tree: { shape: 'cylinder', size: [1.2, 5, 1.2] },
  bush: { shape: 'sphere', size: [1.2, 1, 1.2] },
  rock: { shape: 'sphere', size: [1.5, 0.9, 1.2] },
  boulder: { shape: 'sphere', size: [2.5, 1.6, 2] },
  car: { shape: 'box', size: [1.8, 1.5, 4.5] },
  truck: { shape: 'box', size: [2.4, 3, 7] },
  building: { shape: 'box', size: [10, 12, 10] },
  house: { shape: 'box', size: [8, 6, 8] },
  tower: { shape: 'cylinder', size: [4, 20, 4] },
  bench: { shape: 'box', size: [1.8, 0.45, 0.5] },
  fence: { shape: 'box', size: [6, 1.2, 0.08] },
  crate: { shape: 'box', size: [0.8, 0.8, 0.8] },
  box: { shape: 'box', size: [0.6, 0.6, 0.6] },
  barrel: { shape: 'cylinder', size: [0.6, 0.9, 0.6] },
  column: { shape: 'cylinder', size: [0.6, 3, 0.6] },
  pillar: { shape: 'cylinder', size: [0.6, 3, 0.6] },
  ball: { shape: 'sphere', size: [0.3, 0.3, 0.3] },
  globe: { shape: 'sphere', size: [0.4, 0.4, 0.4] },
  stage: { shape: 'box', size: [6, 0.6, 4] },
  pool: { shape: 'plane', size: [8, 0.01, 4] },
  road: { shape: 'plane', size: [6, 0.01, 30] },
  street: { shape: 'plane', size: [6, 0.01, 30] },
};
const PLURALS: Record<string, string> = {
  chairs: 'chair',
  walls: 'wall',
  trees: 'tree',
  cars: 'car',
  buildings: 'building',
  windows: 'window',
  rocks: 'rock',
  crates: 'crate',
  boxes: 'box',
};

/** Elements named by the vocabulary words in `description`, in order of first mention (at most 12). */
export function deriveBlockoutElements(description: string): BlockoutElement[] {
  const out: BlockoutElement[] = [];
  const seen = new Map<string, number>();
  for (const raw of description.toLowerCase().split(/[^a-z]+/)) {
    const word = PLURALS[raw] ?? raw;
    const v = VOCABULARY[word];
    if (!v) continue;
    const n = (seen.get(word) ?? 0) + 1;
    seen.set(word, n);
    // A plural or repeated mention gets a second one, never more than two.
    const count = raw !== word && n === 1 ? 2 : n <= 2 ? 1 : 0;
    for (let i = 0; i < count; i++) {
      const index = out.filter((e) => e.name.startsWith(word)).length;
      out.push({ name: index === 0 ? word : `${word}_${index + 1}`, shape: v.shape, size: [...v.size] });
    }
    if (out.length >= 12) break;
  }
  if (out.length === 0) {
    // Nothing recognisable: a neutral corner to block against.
    out.push({ name: 'wall', shape: 'box', size: [6, 3, 0.2] }, { name: 'block', shape: 'box', size: [1, 1, 1] });
  }
  return out.slice(0, 12);
}

function defaultSize(e: BlockoutElement): Vec3 {
  const word = e.name
    .toLowerCase()
    .split(/[^a-z]+/)
    .map((w) => PLURALS[w] ?? w)
    .find((w) => VOCABULARY[w]);
  if (word) return [...(VOCABULARY[word] as { size: Vec3 }).size];
  return e.shape === 'plane' ? [2, 0.01, 2] : [1, 1, 1];
}

interface Laid {
  element: BlockoutElement;
  size: Vec3;
  position: Vec3;
}

/** Elements without a position go on a grid centred on the origin, walls along the back. */
function layout(elements: readonly BlockoutElement[]): Laid[] {
  const sized = elements.map((e) => ({ element: e, size: e.size ? ([...e.size] as Vec3) : defaultSize(e) }));
  const free = sized.filter((s) => !s.element.position && !/wall/i.test(s.element.name));
  const cols = Math.max(1, Math.ceil(Math.sqrt(free.length)));
  const cell = Math.max(1.5, ...free.map((s) => Math.max(s.size[0], s.size[2]) + 1));
  const rows = Math.ceil(free.length / cols);
  const placedFree = new Map<number, Vec3>();
  free.forEach((s, i) => {
    const c = i % cols;
    const r = Math.floor(i / cols);
    placedFree.set(sized.indexOf(s), [(c - (cols - 1) / 2) * cell, 0, (r - (rows - 1) / 2) * cell]);
  });
  const backZ = -((rows * cell) / 2 + 1);
  let wallX = 0;
  return sized.map((s, i) => {
    if (s.element.position) return { ...s, position: [...s.element.position] as Vec3 };
    const grid = placedFree.get(i);
    if (grid) return { ...s, position: grid };
    const pos: Vec3 = [wallX, 0, backZ];
    wallX += s.size[0];
    return { ...s, position: pos };
  });
}

// ── geometry ───────────────────────────────────────────────────────────────────────────────
interface Mesh {
  positions: number[];
  normals: number[];
  indices: number[];
}

/** An axis-aligned box from y = 0 to h, centred on x and z. */
function boxMesh([w, h, d]: Vec3): Mesh {
  const x = w / 2;
  const z = d / 2;
  const faces: Array<{ n: Vec3; corners: Vec3[] }> = [
    {
      n: [1, 0, 0],
      corners: [
        [x, 0, z],
        [x, 0, -z],
        [x, h, -z],
        [x, h, z],
      ],
    },
    {
      n: [-1, 0, 0],
      corners: [
        [-x, 0, -z],
        [-x, 0, z],
        [-x, h, z],
        [-x, h, -z],
      ],
    },
    {
      n: [0, 1, 0],
      corners: [
        [-x, h, z],
        [x, h, z],
        [x, h, -z],
        [-x, h, -z],
      ],
    },
    {
      n: [0, -1, 0],
      corners: [
        [-x, 0, -z],
        [x, 0, -z],
        [x, 0, z],
        [-x, 0, z],
      ],
    },
    {
      n: [0, 0, 1],
      corners: [
        [-x, 0, z],
        [x, 0, z],
        [x, h, z],
        [-x, h, z],
      ],
    },
    {
      n: [0, 0, -1],
      corners: [
        [x, 0, -z],
        [-x, 0, -z],
        [-x, h, -z],
        [x, h, -z],
      ],
    },
  ];
  const m: Mesh = { positions: [], normals: [], indices: [] };
  for (const f of faces) {
    const base = m.positions.length / 3;
    for (const c of f.corners) {
      m.positions.push(...c);
      m.normals.push(...f.n);
    }
    m.indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  return m;
}

/** A horizontal quad at y = 0 facing up. */
function planeMesh([w, , d]: Vec3): Mesh {
  const x = w / 2;
  const z = d / 2;
  return {
    positions: [-x, 0, z, x, 0, z, x, 0, -z, -x, 0, -z],
    normals: [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
    indices: [0, 1, 2, 0, 2, 3],
  };
}

/** An (elliptic) cylinder from y = 0 to h with capped ends. */
function cylinderMesh([w, h, d]: Vec3, segments = 24): Mesh {
  const rx = w / 2;
  const rz = d / 2;
  const m: Mesh = { positions: [], normals: [], indices: [] };
  for (let i = 0; i <= segments; i++) {
    const a = (i / segments) * Math.PI * 2;
    const c = Math.cos(a);
    const s = Math.sin(a);
    const nl = Math.hypot(c / rx, s / rz) || 1;
    const n: Vec3 = [c / rx / nl, 0, s / rz / nl];
    m.positions.push(c * rx, 0, s * rz, c * rx, h, s * rz);
    m.normals.push(...n, ...n);
  }
  for (let i = 0; i < segments; i++) {
    const a = i * 2;
    // Counter-clockwise seen from outside.
    m.indices.push(a, a + 1, a + 3, a, a + 3, a + 2);
  }
  for (const [y, ny] of [
    [h, 1],
    [0, -1],
  ] as const) {
    const center = m.positions.length / 3;
    m.positions.push(0, y, 0);
    m.normals.push(0, ny, 0);
    for (let i = 0; i <= segments; i++) {
      const a = (i / segments) * Math.PI * 2;
      m.positions.push(Math.cos(a) * rx, y, Math.sin(a) * rz);
      m.normals.push(0, ny, 0);
    }
    for (let i = 0; i < segments; i++) {
      const p = center + 1 + i;
      if (ny > 0) m.indices.push(center, p + 1, p);
      else m.indices.push(center, p, p + 1);
    }
  }
  return m;
}

/** An ellipsoid resting on y = 0. */
function sphereMesh([w, h, d]: Vec3, rings = 12, segments = 20): Mesh {
  const r: Vec3 = [w / 2, h / 2, d / 2];
  const m: Mesh = { positions: [], normals: [], indices: [] };
  for (let i = 0; i <= rings; i++) {
    const v = (i / rings) * Math.PI;
    for (let j = 0; j <= segments; j++) {
      const u = (j / segments) * Math.PI * 2;
      const ux = Math.sin(v) * Math.cos(u);
      const uy = Math.cos(v);
      const uz = Math.sin(v) * Math.sin(u);
      m.positions.push(ux * r[0], uy * r[1] + r[1], uz * r[2]);
      const n: Vec3 = [ux / r[0], uy / r[1], uz / r[2]];
      const len = Math.hypot(...n) || 1;
      m.normals.push(n[0] / len, n[1] / len, n[2] / len);
    }
  }
  for (let i = 0; i < rings; i++)
    for (let j = 0; j < segments; j++) {
      const a = i * (segments + 1) + j;
      const b = a + segments + 1;
      m.indices.push(a, a + 1, b, a + 1, b + 1, b);
    }
  return m;
}

function meshFor(shape: Shape, size: Vec3): Mesh {
  switch (shape) {
    case 'box':
      return boxMesh(size);
    case 'plane':
      return planeMesh(size);
    case 'cylinder':
      return cylinderMesh(size);
    case 'sphere':
      return sphereMesh(size);
  }
}

// glTF base colours are linear; palettes are sRGB.
function srgbToLinear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function linearColor(hex: string): [number, number, number, number] {
  const [r, g, b] = parseHex(hex);
  return [srgbToLinear(r), srgbToLinear(g), srgbToLinear(b), 1];
}

function mutedColor(seed: number, name: string): string {
  const rng = seededRandom((seed ^ hashString(name)) >>> 0);
  const h = rng() * 360;
  const s = 0.18 + rng() * 0.2;
  const l = 0.45 + rng() * 0.2;
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const hex = (v: number) =>
    Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(f(0))}${hex(f(8))}${hex(f(4))}`;
}

/** The blockout as GLB bytes (glTF 2.0 binary). */
export async function buildBlockoutGlb(input: BlockoutInput): Promise<Uint8Array> {
  const { description, elements, seed } = parseMediaInput(InputSchema, input, 'blockout input');
  const chosen = elements.length > 0 ? elements : deriveBlockoutElements(description);
  const laid = layout(chosen);

  const doc = new Document();
  doc.getRoot().getAsset().generator = 'automovie procedural blockout';
  const buffer = doc.createBuffer();
  const scene = doc.createScene('blockout');
  const materials = new Map<string, Material>();
  const material = (hex: string, doubleSided: boolean) => {
    const key = `${hex.toLowerCase()}|${doubleSided}`;
    let m = materials.get(key);
    if (!m) {
      m = doc
        .createMaterial(hex.toLowerCase())
        .setBaseColorFactor(linearColor(hex))
        .setMetallicFactor(0)
        .setRoughnessFactor(0.9)
        .setDoubleSided(doubleSided);
      materials.set(key, m);
    }
    return m;
  };
  const accessor = (type: 'VEC3' | 'SCALAR', array: TypedArray): Accessor =>
    doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
  const addMesh = (name: string, mesh: Mesh, mat: Material) => {
    const vertexCount = mesh.positions.length / 3;
    const indices = vertexCount > 65535 ? new Uint32Array(mesh.indices) : new Uint16Array(mesh.indices);
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', accessor('VEC3', new Float32Array(mesh.positions)))
      .setAttribute('NORMAL', accessor('VEC3', new Float32Array(mesh.normals)))
      .setIndices(accessor('SCALAR', indices))
      .setMaterial(mat);
    return doc.createMesh(name).addPrimitive(prim);
  };

  // Ground: comfortably larger than everything on it.
  let extent = 10;
  for (const l of laid) extent = Math.max(extent, Math.abs(l.position[0]) + l.size[0], Math.abs(l.position[2]) + l.size[2]);
  const groundSize = Math.min(2000, extent * 2.5);
  scene.addChild(doc.createNode('ground').setMesh(addMesh('ground', planeMesh([groundSize, 0, groundSize]), material('#8c8a82', true))));

  for (const l of laid) {
    const color = l.element.color ?? mutedColor(seed, l.element.name);
    const mesh = addMesh(l.element.name, meshFor(l.element.shape, l.size), material(color, l.element.shape === 'plane'));
    // Planes sit a hair above the ground so they never z-fight with it.
    const y = l.element.shape === 'plane' && l.position[1] === 0 ? 0.005 : l.position[1];
    scene.addChild(doc.createNode(l.element.name).setMesh(mesh).setTranslation([l.position[0], y, l.position[2]]));
  }
  doc.getRoot().setDefaultScene(scene);
  return new NodeIO().writeBinary(doc);
}
