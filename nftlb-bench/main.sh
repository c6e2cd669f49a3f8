#!/bin/sh
# Builds the bench module and runs one of its programs: nftlb-bench/main.sh CLASS [ARGUMENTS].
# The benchmark scripts beside it (run.sh, runtime.sh, overhead.sh, runtime-plot.sh) call it.
set -eu
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -f "$HOME/.mavenrc" ]; then
    . "$HOME/.mavenrc"
    export JAVA_HOME
fi
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -pl nftlb-bench -am package -DskipTests
main=$1
shift
exec "$JAVA" --enable-native-access=ALL-UNNAMED -cp nftlb-bench/target/nftlb-bench.jar "$main" "$@"
