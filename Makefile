# sidecar-migrate: build, test, lint, bench. `make test` is what CI runs.
GO       ?= go
BIN      := bin/sidecar-migrate
TOOLS    := $(CURDIR)/bin/tools
# The version comes from the release tag (v0.1.0, or v0.1.0-3-gabc1234 past it); without a
# tag it is left empty and the binary reports "devel". The commit gets "-dirty" when the work
# tree has changes. The Dockerfile and .goreleaser.yaml stamp the same two variables.
VERSION  ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
# The release targets, as in .goreleaser.yaml.
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
SNAPSHOT  := $(or $(VERSION),v0.0.0)-SNAPSHOT-$(shell git rev-parse --short HEAD 2>/dev/null)

# Binaries the end-to-end tests run, built once per machine outside the repository.
KUSTOMIZE_VERSION := v5.8.2
HELM_VERSION      := v3.22.0
HELM4_VERSION     := v4.3.1
TOOLS_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sidecar-migrate/tools
KUSTOMIZE := $(TOOLS_DIR)/kustomize-$(KUSTOMIZE_VERSION)/kustomize
HELM      := $(TOOLS_DIR)/helm-$(HELM_VERSION)/helm
HELM4     := $(TOOLS_DIR)/helm-$(HELM4_VERSION)/helm
# yq, which make bench compares with, in the project's own tools folder.
YQ_VERSION := v4.54.3
YQ         := $(TOOLS)/yq-$(YQ_VERSION)/yq
# The official SARIF 2.1.0 JSON schema, as shipped by Microsoft's jest-sarif on npm.
SARIF_PKG    := @microsoft/jest-sarif@1.0.0-beta.0
SARIF_SCHEMA := $(TOOLS_DIR)/jest-sarif-1.0.0-beta.0/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json

.PHONY: all build run test test-unreadable validate test-helm4 lint release-snapshot docs bench fidelity fuzz tools clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/sidecar-migrate

# run: the main job on the bundled examples (a dry run: prints the diff, writes nothing).
run: build
	$(BIN) diff testdata/examples

# test: everything CI runs, the end-to-end tests with the real kustomize and helm included.
test: tools
	$(GO) vet ./...
	SIDECAR_MIGRATE_E2E=required KUSTOMIZE=$(KUSTOMIZE) HELM=$(HELM) SARIF_SCHEMA=$(SARIF_SCHEMA) $(GO) test ./...
	$(GO) test ./kio -run '^$$' -fuzz FuzzMigrate -fuzztime 20s
	$(MAKE) test-unreadable validate

# test-unreadable: the tests of files and folders without read permission skip as root, who
# reads anything; as root, they run again as nobody.
# The test binary goes in a temporary folder that is removed afterwards, whatever happens.
test-unreadable:
	@if [ "$$(id -u)" = 0 ] && command -v runuser >/dev/null; then \
		dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && chmod 755 "$$dir" && \
		$(GO) test -c -o "$$dir/kio.test" ./kio && chmod 755 "$$dir/kio.test" && \
		out=$$(cd "$$dir" && runuser -u nobody -- ./kio.test -test.run Unreadable -test.v) || { echo "$$out"; exit 1; }; \
		echo "$$out" | grep -- '^--- '; ! echo "$$out" | grep -q -- '--- SKIP'; \
	fi

# validate: every golden, example and corpus output through the API server's own validation
# (e2e/kubevalidate, a module of its own), under Kubernetes 1.34's rules, the oldest supported
# release, and under the newest release's default feature gates. A cold build takes minutes.
validate:
	cd e2e/kubevalidate && $(GO) vet . && $(GO) test -count=1 .
	cd e2e/kubevalidate && $(GO) test -count=1 -modfile=k8s-1.37.mod .

# test-helm4: the Helm 4 plugin end to end (Helm 4 takes minutes to build, so not in make test).
test-helm4: $(HELM4)
	HELM4=$(HELM4) $(GO) test ./cmd/sidecar-migrate -run 'TestScripts/helm4' -v

tools: $(KUSTOMIZE) $(HELM) $(SARIF_SCHEMA)

$(SARIF_SCHEMA):
	npm install --no-audit --no-fund --prefix $(TOOLS_DIR)/jest-sarif-1.0.0-beta.0 $(SARIF_PKG)

$(KUSTOMIZE):
	GOBIN=$(dir $@) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

$(YQ):
	GOBIN=$(dir $@) $(GO) install github.com/mikefarah/yq/v4@$(YQ_VERSION)

$(HELM):
	GOBIN=$(dir $@) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

$(HELM4):
	GOBIN=$(dir $@) $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM4_VERSION)

lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	$(TOOLS)/staticcheck ./...
	$(GO) mod tidy -diff
	cd e2e/kubevalidate && $(GO) mod tidy -diff

# release-snapshot: what a release builds (.goreleaser.yaml), without publishing: a static
# binary for every platform, stamped with a snapshot version, and their checksums, in
# dist/snapshot. Each binary must carry the stamp and CGO_ENABLED=0.
release-snapshot:
	rm -rf dist/snapshot
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		out=dist/snapshot/sidecar-migrate_$${os}_$${arch}/sidecar-migrate$$ext; \
		echo "build $$out"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath \
			-ldflags '-s -w -X main.version=$(SNAPSHOT) -X main.commit=$(COMMIT)' -o $$out ./cmd/sidecar-migrate; \
		grep -aqF -- '$(SNAPSHOT)' $$out || { echo "$$out: version not stamped"; exit 1; }; \
		$(GO) version -m $$out | grep -q 'CGO_ENABLED=0' || { echo "$$out: not static"; exit 1; }; \
	done
	cd dist/snapshot && sha256sum */sidecar-migrate* > checksums.txt && cat checksums.txt
	dist/snapshot/sidecar-migrate_$$($(GO) env GOOS)_$$($(GO) env GOARCH)/sidecar-migrate version | grep -qx 'sidecar-migrate $(SNAPSHOT)'

# docs: the man pages in docs/man, generated from the commands' help (a test fails when
# they are stale).
docs:
	$(GO) test ./cmd/sidecar-migrate -run '^TestManPages$$' -count=1 -args -update-docs

# bench: Go benchmarks, then sidecar-migrate beside yq, kustomize cfg cat and cat on generated
# trees with kustomizations of KN and 10×KN files (KN=500 by default), then time and peak
# memory on a tree of N files and the inputs that stress one file (N=10000 by default;
# SKIP_HUGE=1 leaves out the two of a minute each).
bench: $(YQ) $(KUSTOMIZE)
	$(GO) test -run '^$$' -bench . -benchmem ./...
	YQ=$(YQ) KUSTOMIZE=$(KUSTOMIZE) scripts/bench.sh $(or $(KN),500)
	scripts/bench-memory.sh $(or $(N),10000)

# fidelity: lines changed beyond the migration over a folder of manifests (default: the corpus).
fidelity:
	$(GO) test ./kio -run TestFidelity -v -count=1 -args -fidelity-dir=$(or $(DIR),../../shared/corpus) | grep '^files='

# fuzz: FuzzMigrate for a long time (FUZZTIME=10m by default), then the validation module's
# FuzzMigrate, which also asks the API server's validation, for as long.
fuzz:
	$(GO) test ./kio -run '^$$' -fuzz FuzzMigrate -fuzztime $(or $(FUZZTIME),10m)
	cd e2e/kubevalidate && $(GO) test -run '^$$' -fuzz FuzzMigrate -fuzztime $(or $(FUZZTIME),10m) .

clean:
	rm -rf bin
