# Everything a fresh machine needs is installed by the targets themselves.
SWIFT ?= swift
APT_PACKAGES := librdkafka-dev libcurl4-openssl-dev libjpeg-dev zlib1g-dev pkg-config openssl ca-certificates curl
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
HDR_PYTHON := .venv-hdr/bin/python

.PHONY: all deps build release test manifests-check manifests-scan demo bench clean librdkafka-current test-librdkafka-current \
  fuzz fuzz-smoke fuzz-run test-sanitize

all: build

# Shell code that installs those of the Debian packages $(1) that are missing.
apt_install_missing = missing=""; for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

## deps: install the Debian packages the build and tests need (only those missing).
deps:
	@$(call apt_install_missing,$(APT_PACKAGES))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## test: build everything and run every test (what CI runs).
test: deps $(HDR_PYTHON)
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) manifests-check
	$(MAKE) manifests-scan

# The LoadGen tests decode --histogram-log output with this independent HdrHistogram implementation.
$(HDR_PYTHON):
	python3 -m venv .venv-hdr
	.venv-hdr/bin/pip install --quiet 'hdrhistogram==0.10.8'

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

CHECKOV := .venv-checkov/bin/checkov
# Each skip, and why it is justified:
# - CKV_K8S_43 (image by digest): images are pinned to a version tag, since a digest exists only once the user
#   has pushed the image they built; manifest-gen refuses latest and untagged images (so CKV_K8S_14 passes) and
#   writes name@sha256:… when the configuration gives one (Tests/KubernetesTests/Fixtures/everything.yaml does).
# Overlay patches (*-patch.yaml) are partial objects until Kustomize applies them, so they are not scanned; the
# built overlays are, when kubectl is installed. One more skip is written on the object it concerns, by
# manifest-gen: CKV_K8S_35 for KAFKA_BOOTSTRAP_SERVERS, an address rather than a credential.
CHECKOV_SKIPS := CKV_K8S_43

$(CHECKOV):
	python3 -m venv .venv-checkov
	.venv-checkov/bin/pip install --quiet 'checkov==3.3.30'

## manifests-scan: checkov, a policy scanner for Kubernetes, passes on the committed manifests and on those of a
## configuration with every option on.
manifests-scan: $(CHECKOV)
	@set -e; bin=$$($(SWIFT) build --show-bin-path); \
	rm -rf .build/manifests-everything .build/manifests-scanned; mkdir -p .build/manifests-scanned; \
	$$bin/manifest-gen --config Tests/KubernetesTests/Fixtures/everything.yaml --output-dir .build/manifests-everything >/dev/null; \
	for directory in manifests .build/manifests-everything; do \
	  $(CHECKOV) --framework kubernetes --directory $$directory --skip-path 'patch\.yaml$$' \
	    --skip-check $(CHECKOV_SKIPS) --skip-download --compact --quiet; \
	done; \
	if command -v kubectl >/dev/null; then \
	  for overlay in manifests/overlays/*; do \
	    kubectl kustomize $$overlay > .build/manifests-scanned/$$(basename $$overlay).yaml; \
	  done; \
	  $(CHECKOV) --framework kubernetes --directory .build/manifests-scanned --skip-check $(CHECKOV_SKIPS) --skip-download --compact --quiet; \
	fi; \
	echo "manifests: checkov passed (skipped: $(CHECKOV_SKIPS))"

## demo: the whole pipeline on this machine with the embedded defaults: an embedded Kafka cluster, the local
## model server (a TF Serving stand-in), inference-app, and image-loadgen driving it at a fixed rate; reports in
## out/demo/. Everything it starts is stopped at the end, also on Ctrl-C. The consumers use fetch.wait.max.ms=10:
## the embedded (mock) brokers answer a fetch only when that wait runs out, which would add up to 0.5 s per hop.
DEMO_RATE ?= 200
DEMO_DURATION ?= 20s
DEMO_MODEL_PORT ?= 8501
DEMO_APP_PORT ?= 8080
DEMO_PRODUCTS := local-kafka local-model-server inference-app image-loadgen
demo: deps
	for product in $(DEMO_PRODUCTS); do $(SWIFT) build -c release --product $$product || exit 1; done
	@set -eu; bin=.build/release; out=out/demo; rm -rf $$out; mkdir -p $$out; pids=""; \
	stop() { for pid in $$pids; do kill $$pid 2>/dev/null && wait $$pid 2>/dev/null || true; done; }; \
	trap stop EXIT; trap 'exit 130' INT TERM; \
	echo "== 1/4 embedded Kafka (3 brokers; topics from pipeline.yaml)"; \
	$$bin/local-kafka --bootstrap-file $$out/bootstrap --log-level warning > /dev/null & pids="$$!"; \
	for i in $$(seq 100); do [ -s $$out/bootstrap ] && break; sleep 0.1; done; \
	bootstrap=$$(cat $$out/bootstrap); echo "   bootstrap.servers=$$bootstrap"; \
	echo "== 2/4 local model server (a stand-in for TensorFlow Serving) on port $(DEMO_MODEL_PORT), 5-10 ms per call"; \
	$$bin/local-model-server --http-port $(DEMO_MODEL_PORT) --latency 5ms --latency-jitter 5ms --log-level warning \
	  > $$out/model-server.log 2>&1 & pids="$$! $$pids"; \
	echo "== 3/4 inference-app (health and metrics on port $(DEMO_APP_PORT))"; \
	$$bin/inference-app --bootstrap-servers $$bootstrap -X fetch.wait.max.ms=10 \
	  --model-url http://127.0.0.1:$(DEMO_MODEL_PORT)/v1/models/image-classifier:predict \
	  --http-host 127.0.0.1 --http-port $(DEMO_APP_PORT) --log-level warning > $$out/inference-app.log 2>&1 & pids="$$! $$pids"; \
	for i in $$(seq 600); do curl -fsS http://127.0.0.1:$(DEMO_APP_PORT)/readyz > /dev/null 2>&1 && break; sleep 0.1; done; \
	curl -fsS http://127.0.0.1:$(DEMO_APP_PORT)/readyz > /dev/null || { echo "inference-app did not become ready; see $$out/inference-app.log"; exit 1; }; \
	echo "== 4/4 image-loadgen: $(DEMO_RATE) images/s for $(DEMO_DURATION), reading the predictions back"; \
	$$bin/image-loadgen --bootstrap-servers $$bootstrap -X fetch.wait.max.ms=10 --rate $(DEMO_RATE) --duration $(DEMO_DURATION) \
	  --verify --observe-topic predictions --threshold 'failed==0' --threshold 'e2e_received>=1' \
	  --report $$out/report.json --timeseries $$out/report.csv --plot $$out/report.svg; \
	curl -fsS http://127.0.0.1:$(DEMO_APP_PORT)/metrics > $$out/inference-app.metrics || true; \
	echo "reports: $$out/report.json, $$out/report.csv, $$out/report.svg; logs and metrics in $$out/"; \
	echo "stopping inference-app (drains and commits), the model server and Kafka"

## bench: image-loadgen against plain-C baselines, and inference-app against concurrency/latency, its own unbatched
## figure and a Python stream app (confluent-kafka + requests, in .venv-bench), all in the same run (release build);
## results in out/bench.json.
BENCH_PRODUCTS := local-kafka image-loadgen baseline-kafka-producer baseline-jpeg-encode pipeline-bench
BENCH_PRODUCTS += local-model-server inference-app
BENCH_PYTHON := .venv-bench/bin/python

$(BENCH_PYTHON):
	python3 -m venv .venv-bench
	.venv-bench/bin/pip install --quiet 'confluent-kafka==2.16.1' 'requests==2.34.2'

bench: deps $(BENCH_PYTHON) $(HDR_PYTHON)
	for product in $(BENCH_PRODUCTS); do $(SWIFT) build -c release --product $$product || exit 1; done
	.build/release/pipeline-bench --output out/bench.json --python $(BENCH_PYTHON) $(BENCH_FLAGS)

## librdkafka-current: Debian's current librdkafka, built from the source package of Debian unstable into a prefix
## in a git-ignored folder. apt fetches the source with a configuration of its own (its own sources list, state and
## cache, the machine's Debian mirror and keyring; /etc/apt is left alone); the build dependencies come from the
## machine's own sources. Configured like Debian's package: SSL, SASL (GSSAPI and SCRAM), zstd, lz4, zlib, curl.
## Debian's patches are left out: they only swap the bundled cJSON and nanopb for Debian's own packages, which
## Debian 12 lacks in the versions needed (the OpenTelemetry protobuf headers among them).
LIBRDKAFKA_CURRENT_DIR := $(CURDIR)/.build-librdkafka-current
LIBRDKAFKA_CURRENT_PREFIX ?= $(LIBRDKAFKA_CURRENT_DIR)/prefix
LIBRDKAFKA_CURRENT_SUITE ?= unstable
LIBRDKAFKA_CURRENT_BUILD_DEPS := build-essential dpkg-dev pkg-config python3 libssl-dev libsasl2-dev libzstd-dev \
  liblz4-dev zlib1g-dev libcurl4-openssl-dev
LIBRDKAFKA_CURRENT_APT = APT_CONFIG=$(LIBRDKAFKA_CURRENT_DIR)/apt/apt.conf apt-get -q
LIBRDKAFKA_CURRENT_PC := $(LIBRDKAFKA_CURRENT_PREFIX)/lib/pkgconfig/rdkafka.pc

librdkafka-current: $(LIBRDKAFKA_CURRENT_PC)

$(LIBRDKAFKA_CURRENT_PC):
	@set -eu; $(call apt_install_missing,$(LIBRDKAFKA_CURRENT_BUILD_DEPS)); \
	[ -n "$$(apt-get indextargets 'Label: Debian' 2>/dev/null)" ] || $(SUDO) apt-get update -qq; \
	mirror=$$(apt-get indextargets --format '$$(REPO_URI)' 'Label: Debian' | sort -u | head -n1); \
	[ -n "$$mirror" ] || { echo "no Debian mirror in this machine's apt sources" >&2; exit 1; }; \
	apt=$(LIBRDKAFKA_CURRENT_DIR)/apt; rm -rf $$apt $(LIBRDKAFKA_CURRENT_DIR)/source; \
	mkdir -p $$apt/sources.list.d $$apt/state/lists/partial $$apt/cache/archives/partial $(LIBRDKAFKA_CURRENT_DIR)/source; \
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $$mirror $(LIBRDKAFKA_CURRENT_SUITE) main" \
	  > $$apt/sources.list; \
	printf '%s\n' "Dir::Etc::SourceList \"$$apt/sources.list\";" "Dir::Etc::SourceParts \"$$apt/sources.list.d\";" \
	  "Dir::State \"$$apt/state\";" "Dir::Cache \"$$apt/cache\";" 'APT::Sandbox::User "root";' > $$apt/apt.conf; \
	echo "== librdkafka: the source package of Debian $(LIBRDKAFKA_CURRENT_SUITE)"; \
	$(LIBRDKAFKA_CURRENT_APT) update -qq; \
	cd $(LIBRDKAFKA_CURRENT_DIR)/source && $(LIBRDKAFKA_CURRENT_APT) source --download-only librdkafka; \
	dpkg-source --skip-patches -x librdkafka_*.dsc > extract.txt 2>&1 || { cat extract.txt; exit 1; }; cd librdkafka-*/; \
	echo "== librdkafka $$(dpkg-parsechangelog -S Version): build into $(LIBRDKAFKA_CURRENT_PREFIX)"; \
	./configure --prefix=$(LIBRDKAFKA_CURRENT_PREFIX) --libdir=$(LIBRDKAFKA_CURRENT_PREFIX)/lib \
	  --enable-ssl --enable-gssapi --enable-zstd --enable-lz4-ext --enable-zlib --enable-curl --enable-c11threads \
	  > ../configure.txt || { cat ../configure.txt; exit 1; }; \
	$(MAKE) -s -j$$(nproc) -C src > ../build.txt 2>&1 || { tail -50 ../build.txt; exit 1; }; \
	$(MAKE) -s -C src install > ../install.txt 2>&1 || { tail -50 ../install.txt; exit 1; }; \
	echo "== librdkafka $$(PKG_CONFIG_PATH=$(LIBRDKAFKA_CURRENT_PREFIX)/lib/pkgconfig pkg-config --modversion rdkafka) in $(LIBRDKAFKA_CURRENT_PREFIX)"

## test-librdkafka-current: the whole suite again, built against librdkafka-current in a build folder of its own
## (the prefix is on the binaries' rpath). KafkaLibraryTests checks that the linked library is that version, so a
## silent fallback to the system's librdkafka fails the run.
LIBRDKAFKA_CURRENT_SWIFT_FLAGS = --scratch-path $(LIBRDKAFKA_CURRENT_DIR)/swift \
  -Xlinker -rpath -Xlinker $(LIBRDKAFKA_CURRENT_PREFIX)/lib
test-librdkafka-current: deps librdkafka-current
	@set -eu; export PKG_CONFIG_PATH=$(LIBRDKAFKA_CURRENT_PREFIX)/lib/pkgconfig; \
	version=$$(pkg-config --modversion rdkafka); echo "== the whole suite against librdkafka $$version"; \
	$(SWIFT) build --build-tests $(LIBRDKAFKA_CURRENT_SWIFT_FLAGS); \
	EXPECTED_LIBRDKAFKA_VERSION=$$version $(SWIFT) test --skip-build $(LIBRDKAFKA_CURRENT_SWIFT_FLAGS)

## fuzz: libFuzzer, with AddressSanitizer, on every parser and decoder a user or a peer reaches, FUZZ_SECONDS each
## (default 60), from the seeds in Tests/FuzzCorpus/<target>/. Findings (crash-*, leak-*, timeout-*) are kept in
## out/fuzz/<target>/ and fail the run; each one fixed becomes a regression test.
FUZZ_SECONDS ?= 60
FUZZ_PARSERS := pipeline-yaml duration rate ramp threshold kafka-properties retry-after response-headers
FUZZ_DECODERS := tf-serving-response vertex-response jpeg
FUZZ_BUILD = PIPELINE_FUZZ=1 $(SWIFT) build --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz
fuzz: deps
	$(FUZZ_BUILD) --product fuzz-parsers
	$(FUZZ_BUILD) --product fuzz-decoders
	@$(MAKE) --no-print-directory fuzz-run \
	  FUZZ_RUNS="$(addprefix fuzz-parsers:,$(FUZZ_PARSERS)) $(addprefix fuzz-decoders:,$(FUZZ_DECODERS))"

## fuzz-smoke: what CI runs: the text parsers for 3 s each (their build is the light one).
fuzz-smoke: deps
	$(FUZZ_BUILD) --product fuzz-parsers
	@$(MAKE) --no-print-directory fuzz-run FUZZ_SECONDS=3 FUZZ_RUNS="$(addprefix fuzz-parsers:,$(FUZZ_PARSERS))"

fuzz-run:
	@set -e; bin=$$(PIPELINE_FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --show-bin-path); failed=""; \
	for run in $(FUZZ_RUNS); do \
	  product=$${run%%:*}; target=$${run#*:}; out=out/fuzz/$$target; mkdir -p $$out/corpus; \
	  if LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/FuzzCorpus/lsan-suppressions.txt FUZZ_TARGET=$$target $$bin/$$product $$out/corpus Tests/FuzzCorpus/$$target -max_total_time=$(FUZZ_SECONDS) \
	      -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=$$out/ -print_final_stats=1 > $$out/log 2>&1; \
	  then result=ok; else result=FINDING; failed="$$failed $$target"; fi; \
	  echo "$$target: $$result after $(FUZZ_SECONDS)s, $$(grep -o 'number_of_executed_units: *[0-9]*' $$out/log | tail -1 | grep -o '[0-9]*$$') inputs, corpus $$(ls $$out/corpus | wc -l)"; \
	  [ $$result = ok ] || grep -m3 -E 'ERROR|Fatal error|SUMMARY' $$out/log; \
	done; \
	[ -z "$$failed" ] || { echo "fuzz findings in:$$failed (inputs and logs in out/fuzz/<target>/)"; exit 1; }

## test-sanitize: the whole test suite once under ThreadSanitizer, in its own build folder. librdkafka starts its
## threads with C11 thrd_create, which TSan does not see; Tests/Sanitizers/thrd_create.c, preloaded, routes them
## through pthread_create.
test-sanitize: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	mkdir -p .build-tsan/preload
	$(CC) -shared -fPIC -O1 -o .build-tsan/preload/thrd_create.so Tests/Sanitizers/thrd_create.c -lpthread
	LD_PRELOAD=$(CURDIR)/.build-tsan/preload/thrd_create.so TSAN_OPTIONS="halt_on_error=0 $(TSAN_OPTIONS)" \
	  $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan

clean:
	rm -rf .build out .build-librdkafka-current .build-fuzz .build-tsan
