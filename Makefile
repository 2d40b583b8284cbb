# Everything a fresh machine needs is installed by the targets themselves.
SWIFT ?= swift
APT_PACKAGES := librdkafka-dev libcurl4-openssl-dev libjpeg-dev pkg-config openssl ca-certificates
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps build release test demo bench clean

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

## bench: image-loadgen against plain-C baselines in the same run (release build); results in out/bench.json.
bench: release
	.build/release/pipeline-bench --output out/bench.json

clean:
	rm -rf .build out
