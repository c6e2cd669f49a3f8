#!/bin/sh
# The data-path benchmark (docs/benchmarks/datapath.md), in one command (as root): builds the bench module,
# then runs every system at 1, 100, 1,000 and 10,000 services and rewrites
# docs/benchmarks/datapath.md (results section), datapath.csv and datapath.png.
# Extra arguments go to the program, e.g. --scales 1,100 --repeats 1 --seconds 1.
exec "$(dirname "$0")/main.sh" io.nftlb.bench.DataPathBench "$@"
