# Everything a fresh machine needs is installed by the targets themselves.
SWIFT ?= swift
APT_PACKAGES := librdkafka-dev libcurl4-openssl-dev libjpeg-dev pkg-config openssl ca-certificates
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps build release test manifests-check demo bench clean

all: build

## deps: install the Debian packages the build and tests need (only those missing).
deps:
	@missing=""; for package in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: build everything and run every test (what CI runs).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) manifests-check

KUBERNETES_VALIDATE := .venv-kv/bin/kubernetes-validate
KUBERNETES_VERSION := 1.30.0
# Objects make sense to the schemas only when complete: kustomizations are not Kubernetes objects, overlay patches
# are partial until Kustomize applies them (the built overlays are checked instead, when kubectl is installed), and
# KEDA's kinds are CustomResourceDefinitions that the bundled schemas do not cover (the Swift tests check them).
MANIFEST_FILES = find $(1) -name '*.yaml' ! -name kustomization.yaml ! -name '*-patch.yaml' ! -name 'keda-*.yaml' | sort

$(KUBERNETES_VALIDATE):
	python3 -m venv .venv-kv
	.venv-kv/bin/pip install --quiet 'kubernetes-validate==1.37.0'

## manifests-check: the committed manifests/ are what pipeline.yaml generates, and every generated object (from
## the example and from a configuration with every option on) validates against the Kubernetes 1.30 schemas.
manifests-check: $(KUBERNETES_VALIDATE)
	@set -e; bin=$$($(SWIFT) build --show-bin-path); \
	$$bin/manifest-gen --config pipeline.yaml --output-dir manifests --check; \
	rm -rf .build/manifests-everything .build/manifests-built; mkdir -p .build/manifests-built; \
	$$bin/manifest-gen --config Tests/KubernetesTests/Fixtures/everything.yaml --output-dir .build/manifests-everything >/dev/null; \
	$(KUBERNETES_VALIDATE) --strict --quiet -k $(KUBERNETES_VERSION) $$($(call MANIFEST_FILES,manifests .build/manifests-everything)); \
	if command -v kubectl >/dev/null; then \
	  for overlay in manifests/overlays/* .build/manifests-everything/overlays/*; do \
	    built=.build/manifests-built/$$(basename $$(dirname $$(dirname $$overlay)))-$$(basename $$overlay).yaml; \
	    kubectl kustomize $$overlay > $$built; \
	    $(KUBERNETES_VALIDATE) --strict --quiet --no-warn -k $(KUBERNETES_VERSION) $$built; \
	  done; \
	else echo "kubectl not installed: overlays not built (their base and patch targets are still checked by the tests)"; fi; \
	echo "manifests: up to date and valid for Kubernetes $(KUBERNETES_VERSION)"

## bench: image-loadgen against plain-C baselines in the same run (release build); results in out/bench.json.
BENCH_PRODUCTS := local-kafka image-loadgen baseline-kafka-producer baseline-jpeg-encode pipeline-bench
bench: deps
	for product in $(BENCH_PRODUCTS); do $(SWIFT) build -c release --product $$product || exit 1; done
	.build/release/pipeline-bench --output out/bench.json

clean:
	rm -rf .build out
