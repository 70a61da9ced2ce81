# One image for the worker, the callback receiver, the sandbox gateway and the setup job;
# docker-compose.yml picks the command. TypeScript runs through tsx; the one build step, the
# worker's workflow bundle, is checked against the sources when the worker starts.
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
COPY scripts/build-workflows.ts ./scripts/
# The worker starts from this bundle instead of bundling; it refuses it if the sources differ.
RUN node --import tsx scripts/build-workflows.ts /app/.build/workflow-bundle.js
ENV WORKER_WORKFLOW_BUNDLE=/app/.build/workflow-bundle.js
USER node
CMD ["node", "--import", "tsx", "src/worker.ts"]
