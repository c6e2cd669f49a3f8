#!/bin/sh
# Draws docs/benchmarks/runtime.png from the results section of docs/benchmarks/runtime.md (what
# nftlb-bench/runtime.sh wrote there): p50 latency against farms loaded, log scales. No root needed.
exec "$(dirname "$0")/main.sh" io.nftlb.bench.RuntimePlot "$@"
