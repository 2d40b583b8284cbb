# One image with every tool of the pipeline under /usr/local/bin (inference-app, image-loadgen, local-model-server,
# local-kafka, model-provision, topic-provision, manifest-gen); the manifests pick the tool with `command:`.
#
#   docker build -t image-pipeline:latest .
#   docker run --rm image-pipeline:latest manifest-gen --help

# Build: Swift 6.3 with the development packages of the three C libraries.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka-dev libcurl4-openssl-dev libjpeg-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Tests Tests
# The Swift runtime is linked in, so the runtime image needs only the three C libraries.
RUN swift build -c release --static-swift-stdlib \
    && mkdir /out \
    && bin="$(swift build -c release --show-bin-path)" \
    && find "$bin" -maxdepth 1 -type f -perm -u+x ! -name '*.so' ! -name '*.json' -exec cp {} /out/ \; \
    && ls /out

# Run: Debian slim with the runtime libraries only, as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka1 libcurl4 libjpeg62-turbo ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 pipeline \
    && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin pipeline
COPY --from=build /out/ /usr/local/bin/
# Numeric, so that Kubernetes can verify runAsNonRoot without resolving the name.
USER 10001:10001
CMD ["inference-app", "--help"]
