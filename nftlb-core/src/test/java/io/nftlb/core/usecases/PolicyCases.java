package io.nftlb.core.usecases;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Policy;
import io.nftlb.core.Rate;
import io.nftlb.core.Scheduler;
import java.util.List;

/** Policies over {@link UseCases#all()}, for golden text and kernel tests in every module. */
public final class PolicyCases {

    private PolicyCases() {}

    /**
     * A blacklist for all farms (IPv4 and IPv6, addresses, networks and ranges) and a whitelist
     * for one farm, on one device.
     */
    public static List<Policy> onDevice(String device) {
        return List.of(
                Policy.blacklist("bad").on(device).networks("10.0.0.3", "192.168.0.0/16", "10.9.0.1-10.9.0.9",
                        "fd00::3", "fd00:9::/64"),
                Policy.whitelist("staff").on(device).forFarm("dual").networks("10.8.0.0/16", "fd00:8::/48"));
    }

    /**
     * Policies that log their drops: a blacklist for all farms that logs every drop, and a
     * whitelist for one farm whose lines are rate-limited (the drops are not).
     */
    public static List<Policy> logged(String device) {
        return List.of(
                Policy.blacklist("bad").on(device).networks("10.0.0.3", "fd00::3").log("policy-BL-bad "),
                Policy.whitelist("staff").on(device).forFarm("dual").networks("10.8.0.0/16")
                        .log("[WL,dual,staff]", Rate.perMinute(10).burst(20)));
    }

    /**
     * Ingress farms: DSR weighted IPv4 and IPv6 with a port range and a backend down, DSR
     * symmetric-hash, and stateless dNAT IPv4 and IPv6.
     */
    public static List<Farm> dsrFarms() {
        return List.of(
                Farm.dsr("10.0.0.50", "fd00::50").port(80).portRange(8000, 8009).named("site").weighted(
                        Backend.of("b1", "10.1.0.10").weight(3), Backend.of("b2", "10.1.0.11"),
                        Backend.of("b3", "10.1.0.12").state(io.nftlb.core.BackendState.DOWN)),
                Farm.dsr("10.0.0.51").udp().port(53).named("dns").scheduler(Scheduler.symmetricHash())
                        .backends(Backend.of("b1", "10.1.0.10")),
                // IPv4 only: nft 1.0.6 cannot load an IPv6 persistence update (a 36-byte key), netlink can.
                Farm.dsr("10.0.0.53").port(443).named("sticky").persistent(java.time.Duration.ofMinutes(5))
                        .weighted(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"))
                        .staticSession("192.0.2.7", "b2"),
                Farm.statelessDnat("10.0.0.52", "fd00::52").port(80).named("stateless").weighted(
                        Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11").weight(2),
                        Backend.of("b1v6", "fd00:1::10")));
    }

    /** The DSR paths of {@link #dsrFarms()}: in by {@code in}, out by {@code out}. */
    public static List<DsrPath> dsrPaths(String in, String out) {
        return List.of(
                DsrPath.of("site").in(in).out(out, "02:00:00:00:00:01").backend("b1", "02:00:00:00:01:10")
                        .backend("b2", "02:00:00:00:01:11").backend("b3", "02:00:00:00:01:12"),
                DsrPath.of("dns").in(in).out(out, "02:00:00:00:00:01").backend("b1", "02:00:00:00:01:10"),
                DsrPath.of("sticky").in(in).out(out, "02:00:00:00:00:01").backend("b1", "02:00:00:00:01:10")
                        .backend("b2", "02:00:00:00:01:11"),
                DsrPath.of("stateless").in(in, "02:00:00:00:00:02").out(out, "02:00:00:00:00:01")
                        .backend("b1", "02:00:00:00:01:10").backend("b2", "02:00:00:00:01:11")
                        .backend("b1v6", "02:00:00:00:01:10"));
    }
}
