# The REST server in a container. A build stage installs everything and compiles the TypeScript;
# the runtime stage holds the compiled code and the production dependencies only, and runs as the
# unprivileged `node` user. test/image.test.ts runs these same steps, as no engine can build here.

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `prepare` would build before the sources are here; the build runs below, once they are.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:22-slim
WORKDIR /app
# Outside a container the server listens on 127.0.0.1 only; inside, it must answer the host.
ENV HOST=0.0.0.0 PORT=8000
# Owned by root and read-only to the user the server runs as.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8000
# The slim image has no curl: Node asks /health itself, on the port the server was given.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli/main.js", "serve"]
