#!/bin/sh
# Runs io.nftlb.micrometer.ScrapeBench (needs root): what a scrape of 1,000 farms costs against
# the number of tracked connections. Arguments: repetitions, then connection counts.
#   nftlb-micrometer/bench.sh 9 0 10000 100000
# Rewrites the results section of docs/benchmarks/metrics.md.
set -e
cd "$(dirname "$0")/.."
mvn -q -pl nftlb-micrometer -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test -DskipTests
if [ -f ~/.mavenrc ]; then . ~/.mavenrc; fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g \
    -cp "nftlb-micrometer/target/test-classes:nftlb-micrometer/target/classes:$(cat nftlb-micrometer/target/bench.cp)" \
    io.nftlb.micrometer.ScrapeBench "$@"
