# syntax=docker/dockerfile:1
# A container with a static `collabbench` binary (the Swift runtime and Foundation linked in), the
# built-in packs, the cl100k_base tokenizer file and Python 3 for the code sandbox. Used by the
# Kubernetes example (examples/kubernetes/) and the Slurm and CI guides.
#
#   docker build -t collabbench:latest .
#   docker run --rm -v "$PWD/Results:/results" collabbench:latest \
#       run --pack math --agent "openai/gpt-4o-mini" --db /results/math.sqlite
#
# No Docker engine runs on the development machine, so this file is not built in CI (.ci/run).
ARG SWIFT_IMAGE=swift:6.3-noble
ARG RUNTIME_IMAGE=ubuntu:24.04

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a change to the sources does not fetch them again.
COPY Package.swift Package.resolved ./
RUN swift package resolve
COPY Sources Sources
# SwiftPM checks that every target's folder exists, test targets included.
COPY Tests Tests
COPY Tasks Tasks
RUN swift build -c release --static-swift-stdlib --product collabbench \
    && mkdir -p /out/bin \
    && cp "$(swift build -c release --show-bin-path)/collabbench" /out/bin/ \
    && cp -R "$(swift build -c release --show-bin-path)"/*.resources /out/bin/ \
    && cp -R Tasks /out/Tasks

FROM ${RUNTIME_IMAGE}
# libsqlite3: the store (GRDB links the system library); libcurl: Foundation's URLSession, used
# to fetch tokenizer files; python3: the code sandbox; ca-certificates: HTTPS to model servers.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libsqlite3-0 libcurl4 python3 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 collabbench
# The tokenizer rank file tiktoken uses, checked against the SHA-256 tiktoken pins.
ADD --checksum=sha256:223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7 \
    https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken /opt/collabbench/tokenizers/cl100k_base.tiktoken
# The binary looks for built-in packs in a Tasks folder beside or above it (/opt/collabbench/Tasks).
COPY --from=build /out/bin/ /opt/collabbench/bin/
COPY --from=build /out/Tasks /opt/collabbench/Tasks
RUN chmod 0644 /opt/collabbench/tokenizers/cl100k_base.tiktoken \
    && ln -s /opt/collabbench/bin/collabbench /usr/local/bin/collabbench \
    && mkdir -p /results && chown collabbench /results
ENV COLLABBENCH_TOKENIZER_DIR=/opt/collabbench/tokenizers
USER collabbench
WORKDIR /results
ENTRYPOINT ["collabbench"]
CMD ["--help"]
