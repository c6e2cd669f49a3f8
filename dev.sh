#!/usr/bin/env bash
# The project's two commands, for a fresh Debian machine:
#   ./dev.sh test   installs what the tests need, then builds and runs every test
#   ./dev.sh demo   installs what the demo needs, then builds and runs the demo
#   ./dev.sh consumer  installs the artifacts into the local Maven repository, then builds
#                   samples/consumer, a user's project that depends on them by coordinates
# Run as root: namespaces, nftables and conntrack need it (the demo says so otherwise).
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the tests and the demo use: nft (oracle), ip (namespaces, veth),
# conntrack, libmnl0 (the netlink transport's only native dependency); snmpd and ping for the
# health checks' kernel tests; iptables, ipvsadm, nftlb, nginx and wrk for the data-path
# benchmark's smoke test (the baselines it compares against); prometheus for the daemon's
# /metrics test (it scrapes the daemon from inside a namespace).
packages=(nftables iproute2 conntrack libmnl0 maven snmpd iputils-ping iptables ipvsadm nftlb nginx-light wrk procps prometheus)

install_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        if [ "$(id -u)" -ne 0 ]; then
            echo "missing Debian packages: ${missing[*]} (run as root, or install them first)" >&2
            exit 1
        fi
        echo "installing: ${missing[*]}"
        apt-get update -qq
        # The tests start nginx, snmpd and prometheus inside namespaces themselves: keep the packages from
        # starting system-wide daemons on install.
        local policy=/usr/sbin/policy-rc.d made_policy=
        if [ ! -e "$policy" ]; then
            printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
        [ -z "$made_policy" ] || rm -f "$policy"
    fi
}

# The default java on this kind of machine is 17; the build needs 21 or newer.
select_jdk() {
    if [ -n "${JAVA_HOME:-}" ] && java_major "$JAVA_HOME/bin/java" >/dev/null && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
        return
    fi
    local best="" best_major=0 home major
    for home in /usr/lib/jvm/*/; do
        home=${home%/}
        [ -x "$home/bin/javac" ] || continue
        major=$(java_major "$home/bin/java") || continue
        if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best=$home best_major=$major
        fi
    done
    if [ -z "$best" ]; then
        echo "no JDK 21 or newer under /usr/lib/jvm: install one (e.g. temurin-21-jdk or openjdk-21-jdk)" >&2
        exit 1
    fi
    export JAVA_HOME=$best
    echo "using JDK $best_major at $JAVA_HOME"
}

java_major() {
    "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' \
        | grep -E '^[0-9]+$'
}

mvn_() {
    # Guava inside Maven 3.8 warns about sun.misc.Unsafe on JDK 24+; that is Maven's, not ours.
    MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -ntp -Dstyle.color=never "$@"
}

case "${1:-}" in
    test)
        install_packages
        select_jdk
        mvn_ verify
        ;;
    demo)
        install_packages
        select_jdk
        mvn_ -q -DskipTests package
        exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
            -jar nftlb-examples/target/nftlb-demo.jar "${@:2}"
        ;;
    consumer)
        select_jdk
        mvn_ -q -DskipTests install
        mvn_ -f samples/consumer/pom.xml verify
        ;;
    *)
        echo "usage: $0 test|demo|consumer" >&2
        exit 2
        ;;
esac
