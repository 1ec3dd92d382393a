# One image for every Riel service; docker-compose.yml picks the entry point.
FROM node:20-bookworm-slim
RUN npm install -g pnpm@10.34.9 --no-fund --no-audit
WORKDIR /riel
COPY . .
RUN pnpm install --frozen-lockfile
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "services/embedded/src/main.ts"]
