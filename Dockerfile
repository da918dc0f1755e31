# The agent's image for temporal-dev.yml: worker, REST API and MCP server share it.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY core core
COPY service service
COPY workflows workflows
COPY activities activities
COPY workers workers
COPY api api
COPY mcp mcp
COPY cli cli
COPY knowledge knowledge
COPY stack stack
COPY eval eval
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY knowledge/runbooks knowledge/runbooks
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["worker"]
