# One image for the worker, the callback receiver, the sandbox gateway and the setup job;
# docker-compose.yml picks the command. TypeScript runs through tsx: no build step to forget.
FROM node:20.20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts=false && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY vocabulary ./vocabulary
USER node
CMD ["node", "--import", "tsx", "src/worker.ts"]
