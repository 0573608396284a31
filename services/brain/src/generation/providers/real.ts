import type { Logger } from 'pino';
import type { BrainConfig } from '../../config.ts';
import type { Provider } from '../provider.ts';
import { createElevenLabsProviders, parseVoiceList } from './elevenlabs.ts';
import { createFalProviders } from './fal.ts';
import {
  isSelfHosted,
  OPENAI_DEFAULTS,
  OPENROUTER_DEFAULTS,
  OpenAIChatBackend,
  OpenAIModerationProvider,
  OpenAITextProvider,
  OpenAIVisionProvider,
} from './openai-text.ts';

/** OpenRouter's optional attribution headers. */
const OPENROUTER_HEADERS = { 'HTTP-Referer': 'https://github.com/automovie', 'X-Title': 'Automovie' };

function isOpenAI(baseURL: string): boolean {
  try {
    return new URL(baseURL).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}

/**
 * The paid providers whose key (or URL) is configured, in chain order within each kind:
 *   text       openrouter → openrouter-backup → openai-compatible
 *   vision     openrouter → openrouter-backup → openai-compatible (when OPENAI_COMPAT_VISION_MODEL is set)
 *   moderation openai (OPENAI_API_KEY, or an OPENAI_COMPAT_BASE_URL that is api.openai.com)
 *   image, video, model3d   fal
 *   speech, music, sfx      elevenlabs
 * The gateway appends the offline providers after these. The backup model is a chain entry of its own
 * (`openrouter-backup`), so the gateway's retries, breaker and metering treat it like any provider.
 */
export function createRealProviders(config: BrainConfig, deps: { logger: Logger }): Provider[] {
  const out: Provider[] = [];
  if (config.OPENROUTER_API_KEY) {
    const common = {
      apiKey: config.OPENROUTER_API_KEY,
      baseURL: config.OPENROUTER_BASE_URL ?? OPENROUTER_DEFAULTS.baseURL,
      openRouter: true,
      headers: OPENROUTER_HEADERS,
    };
    const model = config.OPENROUTER_MODEL ?? OPENROUTER_DEFAULTS.model;
    const backupModel = config.OPENROUTER_BACKUP_MODEL ?? OPENROUTER_DEFAULTS.backupModel;
    const primary = new OpenAIChatBackend({ ...common, name: 'openrouter', model });
    out.push(new OpenAITextProvider(primary), new OpenAIVisionProvider(primary, config.OPENROUTER_VISION_MODEL ?? model));
    if (backupModel !== 'none' && backupModel !== model) {
      const backup = new OpenAIChatBackend({ ...common, name: 'openrouter-backup', model: backupModel });
      out.push(new OpenAITextProvider(backup), new OpenAIVisionProvider(backup));
    }
  }
  if (config.OPENAI_COMPAT_BASE_URL && config.OPENAI_COMPAT_MODEL) {
    const compat = new OpenAIChatBackend({
      name: 'openai-compatible',
      baseURL: config.OPENAI_COMPAT_BASE_URL,
      model: config.OPENAI_COMPAT_MODEL,
      ...(config.OPENAI_COMPAT_API_KEY ? { apiKey: config.OPENAI_COMPAT_API_KEY } : {}),
      ...(config.OPENAI_COMPAT_JSON_MODE ? { jsonMode: config.OPENAI_COMPAT_JSON_MODE } : {}),
      pricing: isSelfHosted(config.OPENAI_COMPAT_BASE_URL) ? 'self-hosted' : 'list',
    });
    out.push(new OpenAITextProvider(compat));
    if (config.OPENAI_COMPAT_VISION_MODEL) out.push(new OpenAIVisionProvider(compat, config.OPENAI_COMPAT_VISION_MODEL));
  }
  const compatIsOpenAI = config.OPENAI_COMPAT_BASE_URL !== undefined && isOpenAI(config.OPENAI_COMPAT_BASE_URL);
  const moderationKey = compatIsOpenAI && config.OPENAI_COMPAT_API_KEY ? config.OPENAI_COMPAT_API_KEY : config.OPENAI_API_KEY;
  if (moderationKey) {
    const openai = new OpenAIChatBackend({
      name: 'openai',
      apiKey: moderationKey,
      baseURL: compatIsOpenAI && config.OPENAI_COMPAT_API_KEY ? config.OPENAI_COMPAT_BASE_URL! : OPENAI_DEFAULTS.baseURL,
      model: OPENAI_DEFAULTS.moderationModel,
    });
    out.push(new OpenAIModerationProvider(openai));
  }
  if (config.FAL_KEY) {
    out.push(
      ...createFalProviders({
        apiKey: config.FAL_KEY,
        ...(config.FAL_BASE_URL ? { baseURL: config.FAL_BASE_URL } : {}),
        ...(config.FAL_IMAGE_MODEL ? { imageModel: config.FAL_IMAGE_MODEL } : {}),
        ...(config.FAL_IMAGE_TO_IMAGE_MODEL ? { imageToImageModel: config.FAL_IMAGE_TO_IMAGE_MODEL } : {}),
        ...(config.FAL_VIDEO_MODEL ? { videoModel: config.FAL_VIDEO_MODEL } : {}),
        ...(config.FAL_TEXT_TO_VIDEO_MODEL ? { textToVideoModel: config.FAL_TEXT_TO_VIDEO_MODEL } : {}),
        ...(config.FAL_3D_MODEL ? { model3dModel: config.FAL_3D_MODEL } : {}),
      }),
    );
  }
  if (config.ELEVENLABS_API_KEY) {
    out.push(
      ...createElevenLabsProviders({
        apiKey: config.ELEVENLABS_API_KEY,
        ...(config.ELEVENLABS_BASE_URL ? { baseURL: config.ELEVENLABS_BASE_URL } : {}),
        ...(config.ELEVENLABS_MODEL ? { speechModel: config.ELEVENLABS_MODEL } : {}),
        ...(config.ELEVENLABS_VOICES ? { voices: parseVoiceList(config.ELEVENLABS_VOICES) } : {}),
      }),
    );
  }
  deps.logger.info(
    { providers: out.map((p) => `${p.kind}:${p.name}:${p.defaultModel}`) },
    out.length > 0 ? 'real AI providers configured' : 'no real AI provider configured; offline providers only',
  );
  return out;
}
