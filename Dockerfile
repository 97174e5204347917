# Dayshift as a container image: `docker build -t dayshift .` (README.md, "Run it as a daemon" → "Docker").
# Multi-stage: the Swift toolchain builds a release binary with the Swift runtime linked in;
# the runtime image is Debian 12 slim with only what the server and its local runner use.

ARG SWIFT_VERSION=6.3

# --- build ---------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build
ARG DEBIAN_FRONTEND=noninteractive
# The library headers of scripts/install-system-packages (build_packages).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-dev libcurl4-openssl-dev zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that a change to Sources/ does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product dayshift --static-swift-stdlib \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/dayshift" /out/dayshift

# --- runtime -------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime
ARG DEBIAN_FRONTEND=noninteractive
# The runtime_packages of scripts/install-system-packages (a test keeps the two lists in step);
# curl for the health check; tini as PID 1, to pass on SIGTERM and reap orphaned sandbox processes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      git bubblewrap util-linux libsqlite3-0 libcurl4 zlib1g ca-certificates \
      curl tini \
 && rm -rf /var/lib/apt/lists/*
# A system user of its own; the data directory is private to it (0700).
RUN useradd --system --user-group --uid 10001 --home-dir /var/lib/dayshift --shell /usr/sbin/nologin dayshift \
 && install -d -m 0700 -o dayshift -g dayshift /var/lib/dayshift
COPY --from=build /out/dayshift /usr/local/bin/dayshift
COPY Config/dayshift.yaml /etc/dayshift/dayshift.yaml
# Secrets come as environment variables or, better, as files: DAYSHIFT_WEBHOOK_SECRET_FILE,
# DAYSHIFT_GITHUB_PRIVATE_KEY_FILE, … pointing at /run/secrets/… (README.md).
ENV DAYSHIFT_CONFIG=/etc/dayshift/dayshift.yaml \
    DAYSHIFT_DATA_DIR=/var/lib/dayshift \
    DAYSHIFT_LOG_FORMAT=json
VOLUME ["/var/lib/dayshift"]
WORKDIR /var/lib/dayshift
# server.port of Config/dayshift.yaml.
EXPOSE 8080
USER dayshift:dayshift
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["curl", "--fail", "--silent", "--show-error", "--output", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/dayshift", "serve"]
# Arguments given to `docker run IMAGE …` replace these; keep --host 0.0.0.0 among them.
CMD ["--host", "0.0.0.0"]
