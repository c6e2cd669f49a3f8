package io.nftlb.core.usecases;

import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.Inspection;
import io.nftlb.core.Limits;
import io.nftlb.core.Persistence;
import io.nftlb.core.Protocol;
import io.nftlb.core.Rate;
import io.nftlb.core.Scheduler;
import java.time.Duration;
import java.util.List;

/** One farm per seed use case and feature, for kernel tests in every module. */
public final class UseCases {

    private UseCases() {}

    /** Every use case the compiler supports, as one list of farms that can load together. */
    public static List<Farm> all() {
        return List.of(
                Farm.dnat("10.0.0.40").port(80).named("rr")
                        .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11")),
                Farm.snat("10.0.0.41").port(80).named("wrr").weighted(
                        Backend.of("b1", "10.1.0.10").weight(100), Backend.of("b2", "10.1.0.11").weight(50),
                        Backend.of("b3", "10.1.0.12").state(BackendState.DOWN),
                        Backend.of("spare", "10.1.0.13").priority(2)),
                Farm.dnat("10.0.0.42").ports(80, 443).portRange(8000, 8099).named("multiport")
                        .scheduler(Scheduler.hash(Scheduler.HashField.SOURCE_ADDRESS, Scheduler.HashField.SOURCE_PORT))
                        .backends(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11").port(8443))
                        .persistent(Duration.ofSeconds(300)).staticSession("10.0.0.7", "b2"),
                Farm.snat("10.0.0.43").protocol(Protocol.ALL).allPorts().named("all").sourceAddress("10.1.0.1")
                        .scheduler(Scheduler.symmetricHash()).backends(Backend.at("10.1.0.10").packetMark(0x20)),
                Farm.snat("10.0.0.44").port(5060).udp().named("sip")
                        .weighted(Backend.at("10.1.0.10"), Backend.at("10.1.0.11"))
                        .persistence(new Persistence(Persistence.Key.SOURCE_ADDRESS_PORT, Duration.ofSeconds(30))),
                Farm.dnat("10.0.0.45", "fd00::45").port(80).named("dual")
                        .roundRobin(Backend.at("10.1.0.10"), Backend.at("fd00:1::a"), Backend.at("fd00:1::b")),
                Farm.dnat("10.0.0.46").port(80).named("empty"),
                Farm.local("10.0.0.47").port(80).named("local").roundRobin(
                        Backend.of("l1", "127.0.0.1").port(8080), Backend.of("l2", "127.0.0.1")),
                Farm.local("10.0.0.47", "fd00::47").port(81).named("local-dual").weighted(
                        Backend.of("l1", "127.0.0.1"), Backend.of("l2", "::1").port(8081)),
                // IPv4 only: nft 1.0.6 cannot load the 36-byte IPv6 keys of the limit sets (netlink can).
                Farm.dnat("10.0.0.48").port(80).named("limited")
                        .roundRobin(Backend.of("b1", "10.1.0.10").maxConnections(100), Backend.of("b2", "10.1.0.11"))
                        .persistent(Duration.ofMinutes(5))
                        .limits(Limits.none().newConnections(Rate.perSecond(10).burst(20)).connectionsPerClient(50)
                                .ban(Duration.ofMinutes(2)).strictTcp().resets(Rate.perSecond(50))
                                .log("limited-", Rate.perSecond(5))),
                Farm.snat("10.0.0.49").port(443).named("observed")
                        .weighted(Backend.of("a1", "10.1.0.12").maxConnections(2))
                        .limits(Limits.none().connectionsPerClient(3).verdict(Limits.Verdict.LOG)
                                .log("observed-", Rate.perHour(2))),
                Farm.snat("10.0.0.50").port(21).named("ftp").helper(Helper.FTP)
                        .weighted(Backend.at("10.1.0.10"), Backend.at("10.1.0.11"))
                        .inspection(Inspection.none().log("ftp-new ", Rate.perSecond(10))),
                Farm.dnat("10.0.0.51", "fd00::51").udp().port(5060).named("sip-helper").helper(Helper.SIP)
                        .roundRobin(Backend.at("10.1.0.12"), Backend.at("fd00:1::c")));
    }

    /**
     * Farms that this host's own processes reach too (intra-connect), and a dnat farm without
     * hairpin; apart from {@link #all()}, whose farms other golden files list.
     */
    public static List<Farm> localClients() {
        return List.of(
                Farm.dnat("10.0.0.52", "fd00::52").port(80).named("intra").intraConnect(true)
                        .weighted(Backend.at("10.1.0.10").packetMark(0x21), Backend.at("fd00:1::a")),
                Farm.snat("10.0.0.53").port(80).named("intra-rr").intraConnect(true)
                        .roundRobin(Backend.at("10.1.0.11")),
                Farm.local("10.0.0.54").port(80).named("intra-local").intraConnect(true)
                        .roundRobin(Backend.of("l1", "127.0.0.1").port(8080)),
                Farm.dnat("10.0.0.55").port(80).named("no-hairpin").hairpin(false)
                        .roundRobin(Backend.at("10.1.0.12")));
    }
}
