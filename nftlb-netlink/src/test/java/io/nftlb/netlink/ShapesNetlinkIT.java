package io.nftlb.netlink;

import static io.nftlb.core.ast.DataType.INET_PROTO;
import static io.nftlb.core.ast.DataType.INET_SERVICE;
import static io.nftlb.netlink.LbRuleset.cat;
import static io.nftlb.netlink.LbRuleset.i;
import static io.nftlb.netlink.LbRuleset.ip;
import static io.nftlb.netlink.LbRuleset.p;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.ObjectKind;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.ast.Verdict;
import io.nftlb.core.render.NftText;
import io.nftlb.core.transport.TransportException;
import io.nftlb.testkit.KernelFeature;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel as oracle for shapes the load-balancer ruleset does not use: each table committed
 * through netlink lists exactly as its rendered text loaded with {@code nft -f}; then each
 * removal op, applied through both, leaves the same listing.
 */
@RequiresNetns
class ShapesNetlinkIT {

    static Chain.Hook hook(Chain.ChainType type, Chain.HookPoint point, int prio) {
        return Chain.Hook.of(type, point, prio);
    }

    static Expr.Addr ip6(String s) {
        return ip(s);
    }

    static Table ipv6() {
        NamedSet backends6 = NamedSet.map("dnat6", new Expr.Ct(CtKey.MARK), p(PayloadField.IP6_DADDR), Set.of())
                .withElements(List.of(Element.of(i(1, DataType.MARK), ip6("fd00:1::a"))));
        Chain in = Chain.base("input", hook(Chain.ChainType.FILTER, Chain.HookPoint.INPUT, Chain.PRIORITY_FILTER),
                List.of(Rule.of(Stmt.Match.eq(p(PayloadField.IP6_DADDR), ip6("fd00::1")),
                        Stmt.Match.eq(p(PayloadField.TCP_DPORT), i(80, INET_SERVICE)), new Stmt.Counter(),
                        new Stmt.VerdictStmt(Verdict.ACCEPT)),
                        Rule.of(Stmt.Match.eq(p(PayloadField.IP6_SADDR), new Expr.Prefix(ip6("fd00:2::"), 64)),
                                new Stmt.VerdictStmt(Verdict.DROP))));
        Chain nat = Chain.base("nat", hook(Chain.ChainType.NAT, Chain.HookPoint.PREROUTING, Chain.PRIORITY_DSTNAT),
                List.of(Rule.of(new Stmt.Nat(Stmt.NatKind.DNAT, Family.IP6, Optional.of(new Expr.MapLookup(
                        new Expr.Ct(CtKey.MARK), new Expr.SetRef("dnat6"), DataType.IPV6_ADDR)), Optional.empty(),
                        Set.of()))));
        return Table.of(Family.IP6, "six", List.of(backends6), List.of(in, nat));
    }

    static Table statements() {
        Chain raw = Chain.base("raw", hook(Chain.ChainType.FILTER, Chain.HookPoint.PREROUTING, Chain.PRIORITY_RAW),
                List.of(Rule.of(Stmt.Match.eq(p(PayloadField.UDP_DPORT), i(53, INET_SERVICE)), new Stmt.Notrack())));
        Chain in = Chain.base("input", hook(Chain.ChainType.FILTER, Chain.HookPoint.INPUT, Chain.PRIORITY_FILTER),
                List.of(Rule.of(Stmt.Match.eq(p(PayloadField.TCP_DPORT), i(22, INET_SERVICE)),
                                new Stmt.Limit(10, Stmt.TimeUnit.MINUTE, 5, false, false), new Stmt.VerdictStmt(Verdict.ACCEPT)),
                        Rule.of(new Stmt.Limit(1024, Stmt.TimeUnit.SECOND, 0, true, true), new Stmt.Counter(),
                                new Stmt.VerdictStmt(Verdict.DROP)),
                        Rule.of(new Stmt.Log(Optional.of("nftlb: "), Optional.of("warn"), OptionalInt.empty())),
                        Rule.of(new Stmt.Log(Optional.empty(), Optional.empty(), OptionalInt.of(3))),
                        Rule.of(Stmt.Match.eq(p(PayloadField.TCP_DPORT), i(23, INET_SERVICE)), new Stmt.Reject(true)),
                        Rule.of(Stmt.Match.eq(new Expr.Meta(MetaKey.L4PROTO), i(17, INET_PROTO)), new Stmt.Reject(false))));
        return Table.of(Family.INET, "stmts", List.of(), List.of(raw, in));
    }

    static Table objects() {
        Chain pre = Chain.base("pre", hook(Chain.ChainType.FILTER, Chain.HookPoint.PREROUTING, Chain.PRIORITY_FILTER),
                List.of(Rule.of(Stmt.Match.eq(p(PayloadField.TCP_DPORT), i(21, INET_SERVICE)),
                                new Stmt.ObjRef(ObjectKind.CT_HELPER, "ftp-std")),
                        Rule.of(new Stmt.ObjRef(ObjectKind.COUNTER, "hits")),
                        Rule.of(new Stmt.ObjRef(ObjectKind.QUOTA, "cap")),
                        Rule.of(new Stmt.ObjRef(ObjectKind.LIMIT, "slow"))));
        return new Table(Family.IP, "objs", List.of(), List.of(new NamedObject.Counter("hits"),
                new NamedObject.Quota("cap", 1_000_000, true),
                new NamedObject.Limit("slow", new Stmt.Limit(100, Stmt.TimeUnit.SECOND, 10, false, false)),
                new NamedObject.CtHelper("ftp-std", "ftp", 6, Family.IP)), List.of(), List.of(pre));
    }

    static Table concatIntervals() {
        NamedSet allow = NamedSet.set("allow", cat(p(PayloadField.IP_SADDR), p(PayloadField.TCP_DPORT)),
                Set.of(NamedSet.SetFlag.INTERVAL)).withElements(List.of(
                        Element.of(cat(new Expr.Prefix(ip("10.0.0.0"), 8), new Expr.Range(i(1000, INET_SERVICE),
                                i(2000, INET_SERVICE)))),
                        Element.of(cat(new Expr.Range(ip("192.168.0.1"), ip("192.168.0.9")), i(80, INET_SERVICE)))));
        NamedSet dnat = NamedSet.map("dnatp", cat(p(PayloadField.IP_DADDR), p(PayloadField.TH_DPORT)),
                p(PayloadField.IP_DADDR), Set.of(NamedSet.SetFlag.INTERVAL)).withElements(List.of(
                        Element.of(cat(ip("10.0.0.40"), new Expr.Range(i(8000, INET_SERVICE), i(8099, INET_SERVICE))),
                                ip("10.1.0.10"))));
        Chain in = Chain.base("input", hook(Chain.ChainType.FILTER, Chain.HookPoint.INPUT, Chain.PRIORITY_FILTER),
                List.of(Rule.of(Stmt.Match.eq(cat(p(PayloadField.IP_SADDR), p(PayloadField.TCP_DPORT)),
                        new Expr.SetRef("allow")), new Stmt.VerdictStmt(Verdict.ACCEPT))));
        return Table.of(Family.IP, "concat", List.of(allow, dnat), List.of(in));
    }

    static Table payloadSetAndDup() {
        Chain pre = Chain.base("pre", hook(Chain.ChainType.FILTER, Chain.HookPoint.PREROUTING, Chain.PRIORITY_MANGLE),
                List.of(Rule.of(Stmt.Match.eq(p(PayloadField.IP_DADDR), ip("10.0.0.40")),
                                new Stmt.PayloadSet(PayloadField.IP_DADDR, ip("10.1.0.10"))),
                        Rule.of(Stmt.Match.eq(p(PayloadField.TCP_DPORT), i(80, INET_SERVICE)),
                                new Stmt.PayloadSet(PayloadField.TCP_DPORT, i(8080, INET_SERVICE))),
                        Rule.of(new Stmt.PayloadSet(PayloadField.UDP_SPORT, i(53, INET_SERVICE))),
                        Rule.of(Stmt.Match.eq(p(PayloadField.IP_SADDR), ip("10.0.0.7")), new Stmt.Dup(ip("10.1.0.99"),
                                Optional.empty())),
                        Rule.of(Stmt.Match.eq(p(PayloadField.IP_SADDR), ip("10.0.0.8")), new Stmt.Dup(ip("10.1.0.98"),
                                Optional.of("lo")))));
        return Table.of(Family.IP, "mangle", List.of(), List.of(pre));
    }

    static Table payloadSet6() {
        Chain pre = Chain.base("pre", hook(Chain.ChainType.FILTER, Chain.HookPoint.PREROUTING, Chain.PRIORITY_MANGLE),
                List.of(Rule.of(new Stmt.PayloadSet(PayloadField.IP6_DADDR, ip6("fd00::9"))),
                        Rule.of(new Stmt.PayloadSet(PayloadField.TH_DPORT, i(9, INET_SERVICE)))));
        return Table.of(Family.IP6, "mangle6", List.of(), List.of(pre));
    }

    /** fwd names a device (dup with a device is in the ip table): the ifindex is looked up in the target namespace (lo is 1 in every one). */
    static Table fwdAndDupToDevices() {
        Chain ingress = Chain.base("ingress", new Chain.Hook(Chain.ChainType.FILTER, Chain.HookPoint.INGRESS, 0,
                Verdict.Kind.ACCEPT, Optional.of("lo")), List.of(
                        Rule.of(Stmt.Match.eq(p(PayloadField.IP_DADDR), ip("10.0.0.40")), new Stmt.Fwd("lo",
                                Optional.of(ip("10.0.0.41")))),
                        Rule.of(new Stmt.Fwd("lo", Optional.empty()))));
        return Table.of(Family.NETDEV, "edge", List.of(), List.of(ingress));
    }

    static Stream<Named<Table>> tables() {
        return Stream.of(Named.of("ipv6", ipv6()), Named.of("limit, log, counter, reject, notrack", statements()),
                Named.of("counter, quota, limit and ct helper objects", objects()),
                Named.of("concatenated interval sets", concatIntervals()),
                Named.of("payload set and dup", payloadSetAndDup()), Named.of("ip6 and th payload set", payloadSet6()),
                Named.of("fwd and dup to a device (netdev)", fwdAndDupToDevices()),
                Named.of("anonymous maps", anonymousMaps()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void netlinkInstallsWhatNftInstalls(Table table, NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        viaNft.nft(nftText(table));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(table));
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }

    /** Payload writes, dup and fwd read back as written (devices by name, looked up in the namespace). */
    @Test
    void payloadWritesDupAndFwdReadBackAsWritten(NetworkNamespace ns) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            for (Table t : List.of(payloadSetAndDup(), payloadSet6(), fwdAndDupToDevices())) {
                nl.commit(io.nftlb.core.plan.Planner.create(t));
                Table read = nl.read(new TableRef(t.family(), t.name())).orElseThrow();
                assertEquals(nftText(t), nftText(read));
            }
        }
    }

    /** Anonymous maps, whose user data names no key type: value, mark and verdict data. */
    static Table anonymousMaps() {
        Expr.AnonSet backends = new Expr.AnonSet(List.of(
                Element.of(i(0, DataType.INTEGER), ip("10.1.0.10")), Element.of(i(1, DataType.INTEGER), ip("10.1.0.11"))));
        Chain nat = Chain.base("pre", hook(Chain.ChainType.NAT, Chain.HookPoint.PREROUTING, Chain.PRIORITY_DSTNAT),
                List.of(Rule.of(Stmt.Match.eq(p(PayloadField.TCP_DPORT), i(80, INET_SERVICE)), new Stmt.Nat(
                        Stmt.NatKind.DNAT, Family.IP, Optional.of(new Expr.MapLookup(new Expr.Numgen(
                                Expr.NumgenType.INC, 2, 0), backends, DataType.IPV4_ADDR)), Optional.empty(), Set.of()))));
        Chain filter = Chain.base("mangle", hook(Chain.ChainType.FILTER, Chain.HookPoint.PREROUTING,
                Chain.PRIORITY_MANGLE), List.of(
                        Rule.of(new Stmt.CtSet(CtKey.MARK, new Expr.MapLookup(p(PayloadField.IP_SADDR),
                                new Expr.AnonSet(List.of(Element.of(ip("10.0.0.1"), i(1, DataType.MARK)),
                                        Element.of(ip("10.0.0.2"), i(2, DataType.MARK)))), DataType.MARK))),
                        Rule.of(new Stmt.VerdictMap(p(PayloadField.IP_DADDR), new Expr.AnonSet(List.of(
                                Element.of(ip("10.0.0.40"), new Expr.VerdictValue(Verdict.ACCEPT)),
                                Element.of(ip("10.0.0.41"), new Expr.VerdictValue(Verdict.DROP))))))));
        return Table.of(Family.IP, "anon", List.of(), List.of(nat, filter));
    }

    @Test
    void anonymousMapsReadBackAsWritten(NetworkNamespace ns) {
        Table t = anonymousMaps();
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(t));
            Table read = nl.read(new TableRef(t.family(), t.name())).orElseThrow();
            assertEquals(sortedElements(nftText(t)), sortedElements(nftText(read)));
        }
    }

    /** The text with the items of each {@code { ... }} sorted: a hash map dumps its elements in its own order. */
    static String sortedElements(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{ ([^{}]*) \\}").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement("{ " + String.join(", ",
                    java.util.Arrays.stream(m.group(1).split(", ")).sorted().toList()) + " }"));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String nftText(Table table) {
        return NftText.render(table);
    }

    static Stream<Named<Function<TableRef, Op>>> removals() {
        NamedSet allow = concatIntervals().sets().get(0);
        return Stream.of(
                Named.of("DeleteElements", t -> new Op.DeleteElements(t, "allow", List.of(allow.elements().get(1)))),
                Named.of("FlushSet", t -> new Op.FlushSet(t, "allow")),
                Named.of("FlushChain", t -> new Op.FlushChain(t, "input")),
                Named.of("DeleteSet (unreferenced)", t -> new Op.DeleteSet(t, "dnatp")),
                Named.of("DeleteChain (regular)", t -> new Op.DeleteChain(t, "spare")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("removals")
    void removalsLeaveWhatNftLeaves(Function<TableRef, Op> removal, NetworkNamespace viaNft,
            NetworkNamespace viaNetlink) {
        Table base = concatIntervals();
        Table table = new Table(base.family(), base.name(), base.sets(), base.objects(), base.flowtables(),
                Stream.concat(base.chains().stream(), Stream.of(Chain.regular("spare", List.of(Rule.of(
                        new Stmt.Counter()))))).toList());
        TableRef ref = new TableRef(table.family(), table.name());
        Transaction tx = Transaction.of(List.of(removal.apply(ref)));
        viaNft.nft(NftText.render(table));
        viaNft.nft(NftText.render(tx));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            nl.commit(io.nftlb.core.plan.Planner.create(table));
            nl.commit(tx);
        }
        assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
    }

    /**
     * Whether this kernel has flowtables is decided by {@link KernelFeature} ({@code nft} of a
     * minimal flowtable in a fresh namespace): with them, netlink installs what {@code nft -f}
     * installs; without them, the commit is refused whole, naming the feature, and the test skips.
     */
    @Test
    void aFlowtableLoadsAsNftLoadsItOrIsRefusedNamingTheFeature(NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        TableRef t = new TableRef(Family.INET, "ft");
        Transaction tx = Transaction.of(List.of(new Op.AddTable(t),
                new Op.AddFlowtable(t, new Flowtable("f", 0, List.of("lo")))));
        commitOrAssertRefusal(KernelFeature.NF_FLOW_TABLE, "NF_FLOW_TABLE", tx, viaNft, viaNetlink);
        assertTrue(viaNetlink.listRuleset().contains("flowtable f"), viaNetlink.listRuleset());
    }

    /**
     * A flowtable's devices changed in place, as {@code nft} changes them: a device added to the
     * flowtable that exists, another removed, the flowtable never deleted. At priority 0, since
     * nft 1.0.6 sends priority 0 in a removal whatever the flowtable's (the kernel refuses it
     * for another); netlink alone then removes a device from a flowtable at priority 50. Skips,
     * refused naming the feature, where {@link KernelFeature} finds no flowtables.
     */
    @Test
    void aFlowtableGainsAndLosesDevicesInPlaceAsNftDoesOrIsRefusedNamingTheFeature(NetworkNamespace viaNft,
            NetworkNamespace viaNetlink) {
        TableRef t = new TableRef(Family.INET, "ft");
        Transaction create = Transaction.of(List.of(new Op.AddTable(t),
                new Op.AddFlowtable(t, new Flowtable("f", 0, List.of("lo"), true))));
        commitOrAssertRefusal(KernelFeature.NF_FLOW_TABLE, "NF_FLOW_TABLE", create, viaNft, viaNetlink);
        for (NetworkNamespace ns : List.of(viaNft, viaNetlink)) {
            ns.execOrThrow("ip", "link", "add", "ftd0", "type", "veth", "peer", "name", "ftd1");
        }
        Transaction gain = Transaction.of(List.of(new Op.AddFlowtable(t, new Flowtable("f", 0, List.of("ftd0"), true))));
        Transaction lose = Transaction.of(List.of(new Op.DeleteFlowtableDevices(t, "f", 0, List.of("lo"))));
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
            for (Transaction tx : List.of(gain, lose)) {
                nl.commit(tx);
                viaNft.nft(NftText.render(tx));
                assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset(), NftText.render(tx));
            }
            assertTrue(viaNetlink.listRuleset().contains("devices = { ftd0 }"), viaNetlink.listRuleset());
            nl.commit(Transaction.of(List.of(new Op.AddFlowtable(t, new Flowtable("g", 50, List.of("lo", "ftd0"))))));
            nl.commit(Transaction.of(List.of(new Op.DeleteFlowtableDevices(t, "g", 50, List.of("lo")))));
        }
        assertEquals(List.of(Optional.of(List.of("ftd0")), Optional.of(List.of("ftd0"))), List.of(devices(viaNetlink,
                "f"), devices(viaNetlink, "g")), viaNetlink.listRuleset());
    }

    /** The devices of flowtable {@code name} of table {@code inet ft}, as the kernel dumps them. */
    private static Optional<List<String>> devices(NetworkNamespace ns, String name) {
        try (NetlinkTransport nl = NetlinkTransport.openInNamespace(ns.name())) {
            return nl.read(new TableRef(Family.INET, "ft")).flatMap(table -> table.flowtables().stream()
                    .filter(f -> f.name().equals(name)).findFirst()).map(Flowtable::devices);
        }
    }

    /** The same for a queue rule and {@code CONFIG_NFT_QUEUE}. */
    @Test
    void aQueueRuleLoadsAsNftLoadsItOrIsRefusedNamingTheFeature(NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        TableRef t = new TableRef(Family.INET, "q");
        Chain c = Chain.base("in", hook(Chain.ChainType.FILTER, Chain.HookPoint.INPUT, 0), List.of());
        Transaction tx = Transaction.of(List.of(new Op.AddTable(t), new Op.AddChain(t, c),
                new Op.AddRule(t, "in", Rule.of(new Stmt.Queue(1, 1, true, false)))));
        commitOrAssertRefusal(KernelFeature.NFT_QUEUE, "NFT_QUEUE", tx, viaNft, viaNetlink);
        assertTrue(viaNetlink.listRuleset().contains("queue"), viaNetlink.listRuleset());
    }

    /** Commits {@code tx} through netlink and {@code nft -f}, or asserts its refusal and skips. */
    private static void commitOrAssertRefusal(KernelFeature feature, String named, Transaction tx,
            NetworkNamespace viaNft, NetworkNamespace viaNetlink) {
        KernelFeature.Evidence evidence = feature.evidence();
        if (evidence.present()) {
            try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
                nl.commit(tx);
            }
            viaNft.nft(NftText.render(tx));
            assertEquals(viaNft.listRuleset(), viaNetlink.listRuleset());
            return;
        }
        TransportException e = assertThrows(TransportException.class, () -> {
            try (NetlinkTransport nl = NetlinkTransport.openInNamespace(viaNetlink.name())) {
                nl.commit(tx);
            }
        }, evidence.summary());
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertEquals("", viaNetlink.listRuleset().strip(), "nothing of the refused transaction is left");
        Assumptions.abort(evidence.summary());
    }
}
