#!/bin/sh
# The control-plane benchmark (docs/benchmarks/runtime.md), in one command (as root): builds the bench module,
# then measures weight/state/farm changes with 1, 1,000 and 10,000 farms loaded for this library
# (netlink and nft -f transports) and Debian's nftlb (HTTP API), and rewrites the results section
# of docs/benchmarks/runtime.md. Extra arguments go to the program, e.g. --scales 1,1000 --ops 100.
exec "$(dirname "$0")/main.sh" io.nftlb.bench.RuntimeBench "$@"
