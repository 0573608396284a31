import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { ExportFileFormat, ProjectBundle } from '@automovie/contracts';
import yazl from 'yazl';

/** MIME type and file name suffix of each export format. */
export const FORMAT_INFO: Record<ExportFileFormat, { mime: string; suffix: string; label: string }> = {
  pdf: { mime: 'application/pdf', suffix: '-storyboard.pdf', label: 'Storyboard booklet (PDF)' },
  fountain: { mime: 'text/x-fountain', suffix: '.fountain', label: 'Screenplay (Fountain)' },
  fdx: { mime: 'application/vnd.final-draft+xml', suffix: '.fdx', label: 'Screenplay (Final Draft FDX)' },
  json: { mime: 'application/json', suffix: '-bundle.json', label: 'Project bundle (JSON)' },
  mp4: { mime: 'video/mp4', suffix: '-animatic.mp4', label: 'Animatic (MP4)' },
  webm: { mime: 'video/webm', suffix: '-animatic.webm', label: 'Animatic (WebM)' },
  zip: { mime: 'application/zip', suffix: '-export.zip', label: 'Everything (ZIP)' },
};

/** The order files are made in: the ZIP last, since it holds the others. */
export const FORMAT_ORDER: readonly ExportFileFormat[] = ['pdf', 'fountain', 'fdx', 'json', 'mp4', 'webm', 'zip'];

/** A file-name-safe stem from the project name: letters, digits and dashes, never empty. */
export function fileStem(projectName: string): string {
  const s = projectName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s === '' ? 'project' : s;
}

export function filenameOf(stem: string, format: ExportFileFormat): string {
  return `${stem}${FORMAT_INFO[format].suffix}`;
}

/** JSON with object keys sorted, so equal values always serialise the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * Hash of what an export is made from: the project's content (not when it was read, nor the
 * screenplay documents an export itself leaves behind) and the options. Equal keys → equal files.
 */
export function inputKeyOf(bundle: ProjectBundle, formats: readonly ExportFileFormat[], framesPerPage: number): string {
  const { exportedAt: _at, project, assets, ...content } = bundle;
  const { createdAt: _c, updatedAt: _u, ...projectContent } = project;
  const key = {
    v: 1,
    content,
    project: projectContent,
    assets: assets.filter((a) => a.kind !== 'document' && a.kind !== 'export').map((a) => a.id),
    formats: [...formats].sort(),
    framesPerPage,
  };
  return createHash('sha256').update(stableJson(key)).digest('hex');
}

/** README.txt of the ZIP: what each file is. */
export function readmeText(opts: {
  projectName: string;
  exportId: string;
  createdAt: string;
  files: { format: ExportFileFormat; filename: string; bytes: number }[];
  failures: { format: ExportFileFormat; message: string }[];
}): string {
  const out = [
    `${opts.projectName} — export ${opts.exportId}`,
    `Made by Automovie on ${opts.createdAt}.`,
    '',
    'Files:',
    ...opts.files.map((f) => `  ${f.filename.padEnd(44)} ${FORMAT_INFO[f.format].label}, ${f.bytes} bytes`),
  ];
  if (opts.failures.length > 0) {
    out.push('', 'Not included:', ...opts.failures.map((f) => `  ${FORMAT_INFO[f.format].label}: ${f.message}`));
  }
  out.push(
    '',
    'The JSON bundle (schemaVersion 1) holds the whole project: story, characters, locations, scenes,',
    'lines, shots, timeline and asset metadata, and can be imported again.',
    '',
  );
  return out.join('\n');
}

/** Writes a ZIP of `files` (on disk) and a README.txt, all in a folder named `folder`, streamed to `outPath`. */
export async function writeZip(outPath: string, folder: string, files: { path: string; name: string }[], readme: string): Promise<void> {
  const zip = new yazl.ZipFile();
  const out = createWriteStream(outPath);
  zip.outputStream.pipe(out);
  // A fixed date keeps the archive's bytes a function of its contents.
  const mtime = new Date('2020-01-01T00:00:00Z');
  zip.addBuffer(Buffer.from(readme, 'utf8'), `${folder}/README.txt`, { mtime });
  for (const f of files) zip.addFile(f.path, `${folder}/${f.name}`, { mtime, compress: !/\.(mp4|webm|zip)$/.test(f.name) });
  zip.end();
  await finished(out);
}
