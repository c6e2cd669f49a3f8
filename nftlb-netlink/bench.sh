#!/bin/sh
# Runs io.nftlb.netlink.bench.NetlinkBench (needs root). Arguments: repetitions, then farm counts.
#   nftlb-netlink/bench.sh 5 1 100 1000 10000
# With "apply" first, runs ColdApplyBench instead (LoadBalancer.apply of N farms, cold):
#   nftlb-netlink/bench.sh apply 5 10000
# With "chains" first, runs ChainWalkBench (one-element commit against the number of chains):
#   nftlb-netlink/bench.sh chains 0 1000 10000 20000
# With "startup" first, runs StartUpBench (a LoadBalancer started over a kernel that already holds
# its table, the same or with a few farms changed, against a cold start):
#   nftlb-netlink/bench.sh startup 5 10000
set -e
MAIN=NetlinkBench
case "${1:-}" in
    apply) MAIN=ColdApplyBench; shift ;;
    chains) MAIN=ChainWalkBench; shift ;;
    startup) MAIN=StartUpBench; shift ;;
esac
cd "$(dirname "$0")/.."
mvn -q -pl nftlb-netns,nftlb-testkit,nftlb-core,nftlb-netlink test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
. ~/.mavenrc 2>/dev/null || true
# The heap is sized and touched up front, as on a server: a heap that grows during the run puts
# page faults and young-generation resizing into the measured commits (up to 200 ms of a 10,000-farm
# full commit, measured), which is the JVM starting, not the library.
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" --enable-native-access=ALL-UNNAMED -Xms2g -Xmx2g -XX:+AlwaysPreTouch \
    -cp "nftlb-netlink/target/test-classes:nftlb-netlink/target/classes:$(cat nftlb-netlink/target/bench.cp)" \
    io.nftlb.netlink.bench.$MAIN "$@"
