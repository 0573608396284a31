import type { Composition, Figure } from '@automovie/contracts';

export const MARA: Figure = {
  name: 'Mara',
  identity: { palette: ['#e0ac82', '#3f6e8c', '#d9a43a', '#6b3a22'], silhouette: 'slim', hair: 'long', accessory: 'scarf' },
};
export const JON: Figure = {
  name: 'Jon',
  identity: { palette: ['#a86f4c', '#7a4b45', '#e0c060', '#1c1c22', '#30343c'], silhouette: 'broad', hair: 'short', accessory: 'glasses' },
};

export function composition(over: Partial<Composition> = {}): Composition {
  return {
    shotType: 'medium',
    angle: 'eye_level',
    figures: [MARA, JON],
    location: { name: 'Kitchen', intExt: 'INT', timeOfDay: 'DAY', elements: ['window', 'table', 'door'] },
    caption: '3.2 — Mara opens the letter',
    ...over,
  };
}

/** Tag balance and entity check: enough to catch markup a prompt could break. */
export function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const body = svg.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else stack.push(name as string);
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(',')}`);
  const stray = /&(?!amp;|lt;|gt;|quot;|#39;|#\d+;|#x[0-9a-f]+;)/i.exec(body);
  if (stray) throw new Error(`bare & at ${stray.index}`);
  const text = body.replace(/<[^>]*>/g, '');
  if (text.includes('<') || text.includes('>')) throw new Error('raw angle bracket in text');
}

/** The inner markup of one figure, position and scale left out. */
export function figureMarkup(svg: string, name: string): string {
  const re = new RegExp(`<g class="figure" data-name="${name}"[^>]*><g class="figure-body">([\\s\\S]*?)</g><!--/figure-body-->`);
  const m = re.exec(svg);
  if (!m) throw new Error(`figure ${name} not found`);
  return m[1] as string;
}

export function figureGroup(svg: string, name: string): string {
  const start = svg.indexOf(`<g class="figure" data-name="${name}"`);
  if (start < 0) throw new Error(`figure ${name} not found`);
  return svg.slice(start, svg.indexOf('<!--/figure-body-->', start));
}
