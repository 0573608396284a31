import {
  AutomovieError,
  DEFAULT_STYLE_PRESET,
  get_workflow_data,
  type Json,
  STYLE_PRESETS,
  type StylePreset,
  type StylePresetName,
  StylePresetNameSchema,
  store_workflow_data,
} from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';

/**
 * What the shot list and the frames were made from, kept in one workflow record per project:
 * the style, each scene's plan key, each shot's prompt key, the seeds regenerate_frame chose and
 * the last render size. It lets every step tell "unchanged" from "changed" without regenerating.
 */

export const PLAN_STATE_ID = 'visual-plan';

export interface PlanState {
  style: StylePresetName;
  /** Per scene number: the hash of what its shots were planned from. */
  scenes: Record<string, string>;
  /** Per shot id: the hash of what its image prompt was written from. */
  prompts: Record<string, string>;
  /** Per shot id: the seed regenerate_frame drew it with. */
  frameSeeds: Record<string, number>;
  size?: { width: number; height: number };
}

function record<T>(v: unknown): Record<string, T> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, T>) : {};
}

export async function readPlanState(brain: McpClient, projectId: string): Promise<PlanState> {
  try {
    const { workflow } = await brain.call(get_workflow_data, { projectId, id: PLAN_STATE_ID });
    const d = workflow.data;
    const style = StylePresetNameSchema.safeParse(d.style);
    const size = record<number>(d.size);
    return {
      style: style.success ? style.data : DEFAULT_STYLE_PRESET,
      scenes: record<string>(d.scenes),
      prompts: record<string>(d.prompts),
      frameSeeds: record<number>(d.frameSeeds),
      ...(typeof size.width === 'number' && typeof size.height === 'number' ? { size: { width: size.width, height: size.height } } : {}),
    };
  } catch (err) {
    if (err instanceof AutomovieError && err.code === 'BRAIN_NODE_NOT_FOUND') {
      return { style: DEFAULT_STYLE_PRESET, scenes: {}, prompts: {}, frameSeeds: {} };
    }
    throw err;
  }
}

export async function writePlanState(brain: McpClient, projectId: string, state: PlanState): Promise<void> {
  await brain.call(store_workflow_data, {
    projectId,
    id: PLAN_STATE_ID,
    kind: 'shot_plan',
    status: 'planned',
    description: `Shot plan of ${Object.keys(state.scenes).length} scenes in the ${state.style} style`,
    data: state as unknown as Record<string, Json>,
  });
}

/** Forgets a shot that was removed or replaced. */
export function forgetShot(state: PlanState, shotId: string): void {
  delete state.prompts[shotId];
  delete state.frameSeeds[shotId];
}

export function presetOf(name: StylePresetName): StylePreset {
  return (STYLE_PRESETS.find((p) => p.name === name) ?? STYLE_PRESETS[0]) as StylePreset;
}
