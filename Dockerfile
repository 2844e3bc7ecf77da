# fanout's run without Lambda or a targets table (`fanout-console local --to URL` or
# `--targets FILE`) in a container, for those who ran the event forwarder in docker-compose.
# Build: docker build -t fanout .   Run: see README, "A container for the standalone run".

FROM node:22-bookworm-slim AS build
WORKDIR /src
RUN npm install --global pnpm@10.34.9
COPY . .
# the console's prepack builds the runtime's bundle and its own, as for any install outside a clone
RUN pnpm install --frozen-lockfile \
    && pnpm --filter fanout-console pack --pack-destination /out

FROM node:22-bookworm-slim
COPY --from=build /out /tmp/fanout
RUN npm install --global /tmp/fanout/fanout-console-*.tgz \
    && rm -rf /tmp/fanout \
    && npm cache clean --force \
    && mkdir /state \
    && chown node:node /state
# checkpoints (and the run's log) stay across restarts when /state is a volume
ENV XDG_STATE_HOME=/state
VOLUME /state
USER node
ENTRYPOINT ["fanout-console", "local"]
