# syntax=docker/dockerfile:1
# kkp-gitops container image: the Probot server (`kkp-gitops serve`) and the CLI.
# Build: docker build -t kkp-gitops .
# Run:   docker run -p 3000:3000 -e APP_ID=... -e PRIVATE_KEY=... -e WEBHOOK_SECRET=... kkp-gitops

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, TypeScript compiled to dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- deps: production dependencies only ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# git: simple-git shells out to it for the per-repository mirrors. ca-certificates: HTTPS to GitHub.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# A fixed non-root user (65532, as distroless "nonroot"), so Kubernetes' runAsNonRoot can verify it.
RUN groupadd --gid 65532 kkp-gitops \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin kkp-gitops \
 && mkdir -p /var/cache/kkp-gitops \
 && chown 65532:65532 /var/cache/kkp-gitops
WORKDIR /app
ENV NODE_ENV=production \
    HOME=/tmp \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    KKP_GITOPS_CACHE_DIR=/var/cache/kkp-gitops
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json app.yml ./
COPY bin ./bin
COPY schemas ./schemas
USER 65532:65532
EXPOSE 3000
ENTRYPOINT ["node", "bin/kkp-gitops.js"]
CMD ["serve"]
