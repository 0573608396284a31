import { spawn } from 'node:child_process';
import { MediaError } from './errors.ts';

/** The programs the media helpers run, with the Debian package that installs each. */
const TOOLS = {
  ffmpeg: { args: ['-hide_banner', '-version'], aptPackage: 'ffmpeg' },
  ffprobe: { args: ['-hide_banner', '-version'], aptPackage: 'ffmpeg' },
  'espeak-ng': { args: ['--version'], aptPackage: 'espeak-ng' },
} as const;
export type MediaTool = keyof typeof TOOLS;

const checks = new Map<string, Promise<void>>();

function run(cmd: string, args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.on('error', () => resolve({ code: null, stdout }));
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** Resolves when `tool` runs; MEDIA_TOOL_MISSING naming the Debian package otherwise. Checked once per process. */
export function ensureTool(tool: MediaTool): Promise<void> {
  let check = checks.get(tool);
  if (!check) {
    const { args, aptPackage } = TOOLS[tool];
    check = run(tool, args).then(({ code }) => {
      if (code !== 0) {
        checks.delete(tool);
        throw new MediaError(
          'MEDIA_TOOL_MISSING',
          `${tool} is not installed or does not run: install it with \`apt-get install ${aptPackage}\``,
          {
            data: { tool, aptPackage },
          },
        );
      }
    });
    checks.set(tool, check);
  }
  return check;
}

/** ffmpeg's `subtitles` filter needs libass; Debian's ffmpeg has it, minimal builds do not. */
export function ensureSubtitlesFilter(): Promise<void> {
  let check = checks.get('libass');
  if (!check) {
    check = ensureTool('ffmpeg')
      .then(() => run('ffmpeg', ['-hide_banner', '-filters']))
      .then(({ stdout }) => {
        if (!/^\s*\S+\s+subtitles\s/m.test(stdout)) {
          checks.delete('libass');
          throw new MediaError(
            'MEDIA_TOOL_MISSING',
            "this ffmpeg has no `subtitles` filter (built without libass): install Debian's build with `apt-get install ffmpeg` (it pulls in libass9)",
            { data: { tool: 'ffmpeg', feature: 'libass', aptPackage: 'ffmpeg' } },
          );
        }
      });
    checks.set('libass', check);
  }
  return check;
}
