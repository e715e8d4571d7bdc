# gb in a container, for running shards of one run on many machines (deploy/kubernetes/).
#   npm pack                                  # builds dist/ and packs gb-bench-VERSION.tgz
#   docker build -t REGISTRY/gb:VERSION .     # then push it where the cluster can pull it
FROM node:24-slim
COPY gb-bench-*.tgz /tmp/
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/gb-bench-*.tgz && rm /tmp/gb-bench-*.tgz
USER node
ENTRYPOINT ["gb"]
