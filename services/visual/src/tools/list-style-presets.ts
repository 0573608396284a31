import { DEFAULT_STYLE_PRESET, list_style_presets, STYLE_PRESETS } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';

export const listStylePresetsTool = () =>
  implementTool(list_style_presets, async () => ({
    presets: STYLE_PRESETS.map((p) => ({ ...p, palette: [...p.palette] })),
    defaultPreset: DEFAULT_STYLE_PRESET,
  }));
