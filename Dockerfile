# Container image for the KRM function (kustomize, kpt): a static binary on distroless,
# running as nobody.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o /sidecar-migrate ./cmd/sidecar-migrate

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /sidecar-migrate /usr/local/bin/sidecar-migrate
USER 65534:65534
ENTRYPOINT ["/usr/local/bin/sidecar-migrate", "fn"]
