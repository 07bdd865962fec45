# The container image: the KRM function by default (kustomize, kpt), the CLI when given a
# command (docker run --rm -v "$PWD:/src" IMAGE diff /src). A static binary on distroless,
# running as nobody, for linux/amd64 and linux/arm64:
#
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=v0.1.0 --build-arg COMMIT=$(git rev-parse HEAD) -t IMAGE .
#
# The binary is built from source (BINARY=source, the default) or, in a release, taken from
# the binaries the release configuration built (BINARY=prebuilt: .goreleaser.yaml puts them
# in the build context under linux/amd64/ and linux/arm64/). Both are stamped the same way.
ARG BINARY=source

FROM --platform=$BUILDPLATFORM golang:1.26 AS source
ARG TARGETOS TARGETARCH VERSION COMMIT
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/sidecar-migrate ./cmd/sidecar-migrate

FROM scratch AS prebuilt
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/sidecar-migrate /out/sidecar-migrate

FROM $BINARY AS binary

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION
LABEL org.opencontainers.image.title="sidecar-migrate" \
      org.opencontainers.image.description="Moves Kubernetes legacy sidecars to native sidecars; a KRM function and a CLI" \
      org.opencontainers.image.source="https://github.com/sidecar-migrate/sidecar-migrate" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=binary /out/sidecar-migrate /usr/local/bin/sidecar-migrate
USER 65534:65534
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/sidecar-migrate"]
CMD ["fn"]
