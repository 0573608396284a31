# syntax=docker/dockerfile:1
# One image for the whole fleet. SERVICE names the directory under services/ to run:
#   docker build --build-arg SERVICE=brain -t automovie .
# Kubernetes runs the same image for every service and sets SERVICE per Deployment.
# TypeScript runs as-is through Node's type stripping: there is no build step.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- deps: the workspace with all dependencies installed --------------------------------
FROM ${NODE_IMAGE} AS deps
# Compilers for native addons (better-sqlite3, hnswlib-node) when no prebuilt binary fits;
# they stay in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN npm i -g pnpm@10.34.9 && npm cache clean --force
WORKDIR /app
# Fetching from the lockfile alone keeps this layer cached until dependencies change.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN --mount=type=cache,id=automovie-pnpm-store,target=/pnpm/store \
    pnpm fetch --store-dir /pnpm/store
COPY . .
# hnswlib-node's distance kernels (patches/hnswlib-node@3.0.0.patch): "off" builds the portable
# SSE2 baseline, so the image runs on any x86-64 node; "auto" uses AVX2/FMA when the build
# machine has them (≈1.4× faster vector search; only for clusters whose nodes all have AVX2).
ARG AUTOMOVIE_NATIVE_SIMD=off
RUN --mount=type=cache,id=automovie-pnpm-store,target=/pnpm/store \
    AUTOMOVIE_NATIVE_SIMD=${AUTOMOVIE_NATIVE_SIMD} pnpm install --offline --frozen-lockfile --prod=false --store-dir /pnpm/store

# --- runtime ------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# ffmpeg and espeak-ng are the offline media engines (renders, TTS) of brain, gpu-tasks,
# audio, video and export; resvg (SVG frames → PNG) loads DejaVu Sans by path
# (packages/media/src/png.ts), so fonts-dejavu-core is not optional. tini reaps the
# ffmpeg/espeak-ng children and forwards SIGTERM so the service can drain.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates ffmpeg espeak-ng fonts-dejavu-core tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Code stays root-owned: the service user can read it, not change it.
COPY --from=deps /app /app
# A numeric user lets Kubernetes verify runAsNonRoot. /data is the default data dir; a
# volume mounted there starts out owned by this user.
RUN mkdir -p /data && chown 1000:1000 /data

ARG SERVICE
ENV SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    AUTOMOVIE_DATA_DIR=/data \
    XDG_CACHE_HOME=/tmp/.cache
USER 1000:1000
EXPOSE 4000 4100 4110 4120 4130 4140 4150 4160 4170 4180 4190 4200 4210

# PORT falls back to the service's default port, as the service itself does.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "const d={frontend:4000,brain:4100,orchestrator:4110,'gpu-tasks':4120,story:4130,character:4140,visual:4150,audio:4160,video:4170,asset3d:4180,export:4190,webhooks:4200,analytics:4210};fetch(`http://127.0.0.1:${process.env.PORT||d[process.env.SERVICE]}/healthz`,{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
# exec: node, not sh, receives SIGTERM from tini.
CMD ["sh", "-c", "exec node \"services/${SERVICE:?set SERVICE to a directory under services/}/src/index.ts\""]
