# sidecar-migrate: build, test, lint, bench. `make test` is what CI runs.
GO       ?= go
BIN      := bin/sidecar-migrate
TOOLS    := $(CURDIR)/bin/tools
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS  := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)

# Binaries the end-to-end tests run, built once per machine outside the repository.
KUSTOMIZE_VERSION := v5.8.2
HELM_VERSION      := v3.22.0
HELM4_VERSION     := v4.3.1
TOOLS_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/sidecar-migrate/tools
KUSTOMIZE := $(TOOLS_DIR)/kustomize-$(KUSTOMIZE_VERSION)/kustomize
HELM      := $(TOOLS_DIR)/helm-$(HELM_VERSION)/helm
HELM4     := $(TOOLS_DIR)/helm-$(HELM4_VERSION)/helm
# The official SARIF 2.1.0 JSON schema, as shipped by Microsoft's jest-sarif on npm.
SARIF_PKG    := @microsoft/jest-sarif@1.0.0-beta.0
SARIF_SCHEMA := $(TOOLS_DIR)/jest-sarif-1.0.0-beta.0/node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json

.PHONY: all build run test test-unreadable validate test-helm4 lint bench fidelity fuzz tools clean

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
test-unreadable:
	@if [ "$$(id -u)" = 0 ] && command -v runuser >/dev/null; then \
		$(GO) test -c -o /tmp/sidecar-migrate-kio.test ./kio && chmod 755 /tmp/sidecar-migrate-kio.test && \
		out=$$(cd /tmp && runuser -u nobody -- ./sidecar-migrate-kio.test -test.run Unreadable -test.v) || { echo "$$out"; exit 1; }; \
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

$(HELM):
	GOBIN=$(dir $@) $(GO) install helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)

$(HELM4):
	GOBIN=$(dir $@) $(GO) install helm.sh/helm/v4/cmd/helm@$(HELM4_VERSION)

lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	$(TOOLS)/staticcheck ./...

# bench: Go benchmarks, then sidecar-migrate against yq and kustomize on generated trees of
# N and 10×N files (N=10000 by default: make bench N=2000 for a quick run).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	TOOLS_DIR=$(TOOLS_DIR) scripts/bench.sh $(or $(N),10000)

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
