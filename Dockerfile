# syntax=docker/dockerfile:1
# One image for every Node service of the distributed shape (SERVICES picks what a container
# runs), plus an nginx image with the web front end (target "nginx"). The app stage is last,
# so it is what a plain `docker build` makes.
#   docker build -t hotel-booking .                 # the app image (default target)
#   docker build --target nginx -t hotel-nginx .    # nginx + static front end

# ---- build: dev dependencies, TypeScript → dist/, the web front end
FROM node:22-bookworm-slim AS build
WORKDIR /app
# python3/make/g++ only in case sqlite3 has no prebuilt binary for this platform.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# `npm run build` compiles the TypeScript and the web front end (build:web); public/ is the
# placeholder page should there be no front end.
RUN npm run build \
	&& mkdir -p web/dist \
	&& if [ ! -f web/dist/index.html ]; then cp -r public/. web/dist/; fi
# Production dependencies only for the runtime image.
RUN npm prune --omit=dev --no-audit --no-fund

# ---- nginx: reverse proxy + the web front end's static files
FROM nginx:1.27-alpine AS nginx
COPY nginx/nginx.conf /etc/nginx/nginx.conf
COPY nginx/snippets /etc/nginx/snippets
COPY --from=build /app/web/dist /usr/share/nginx/html
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1/nginx-health"]

# ---- app: the runtime image, non-root
FROM node:22-bookworm-slim AS app
ENV NODE_ENV=production \
	PORT=3000 \
	HEALTH_PORT=9100 \
	DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000 9100 3030
# Ready = transporter and stores up (lib/readiness.ts); the api node answers on PORT, others on HEALTH_PORT.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/bin/healthcheck.js"]
# SIGTERM reaches node directly (exec form): graceful stop in bin/start.ts.
STOPSIGNAL SIGTERM
CMD ["node", "dist/bin/start.js"]
