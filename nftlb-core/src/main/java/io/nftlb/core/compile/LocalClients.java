package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.CT_MARK;
import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.backendAddr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.saddr;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.IpFamily;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.internal.compile.Layout;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Connections that do not come from outside: this host's own processes (intra-connect) and a
 * farm's backends calling the farm's service (hairpin).
 *
 * <p><b>Intra-connect.</b> A locally generated packet passes the output hook, never prerouting,
 * so a farm with intra-connect is dispatched from there too: {@code output} (type route, hook
 * output, priority mangle) looks the first packet of a connection up in the intra maps, whose
 * elements are copies of the farm's dispatch elements, so it reaches the same farm chain (or shard
 * rule) that schedules it into {@code ct mark}; {@code nat-output} (hook output, priority -100)
 * maps the mark to the backend as {@code nat-prerouting} does. A route chain, as the packet mark
 * of a farm that sets one must be routed by. Only farms with intra-connect are in the intra maps:
 * the host's connections to other farms' services are left alone. Both chains exist only while
 * some farm has intra-connect.
 *
 * <p><b>Hairpin.</b> With dnat, a backend calling its farm's service would get the answer from the
 * chosen backend directly, not from the virtual address, and drop it. {@code nat-postrouting}
 * masquerades a connection whose source is a backend of the farm its mark belongs to
 * ({@code ct mark . ip saddr @hairpin4}); every other client keeps its own address. A hash set, so
 * a change costs the same however many farms there are; a farm has one element per mark and
 * backend address.
 */
final class LocalClients {

    /** Each farms map and its intra map. */
    private static final List<Map.Entry<String, String>> INTRA_OF = List.of(Map.entry(Layout.FARMS4, Layout.INTRA4),
            Map.entry(Layout.FARMS4_RANGES, Layout.INTRA4_RANGES), Map.entry(Layout.FARMS6, Layout.INTRA6),
            Map.entry(Layout.FARMS6_RANGES, Layout.INTRA6_RANGES));

    private LocalClients() {}

    static boolean hairpin(Farm f) {
        return f.forwarding() instanceof Forwarding.Dnat d && d.hairpin();
    }

    /** The intra maps and the hairpin sets, when some farm needs them. */
    static List<NamedSet> declarations(List<Farm> farms) {
        List<NamedSet> sets = new ArrayList<>();
        if (farms.stream().anyMatch(Farm::intraConnect)) {
            Expr dispatch4 = concat(L4PROTO, daddr(false), TH_DPORT);
            Expr dispatch6 = concat(L4PROTO, daddr(true), TH_DPORT);
            Set<NamedSet.SetFlag> interval = Set.of(NamedSet.SetFlag.INTERVAL);
            sets.add(NamedSet.verdictMap(Layout.INTRA4, dispatch4, Set.of()));
            sets.add(NamedSet.verdictMap(Layout.INTRA4_RANGES, dispatch4, interval));
            sets.add(NamedSet.verdictMap(Layout.INTRA6, dispatch6, Set.of()));
            sets.add(NamedSet.verdictMap(Layout.INTRA6_RANGES, dispatch6, interval));
        }
        if (farms.stream().anyMatch(LocalClients::hairpin)) {
            sets.add(NamedSet.set(Layout.HAIRPIN4, hairpinKey(false), Set.of()));
            sets.add(NamedSet.set(Layout.HAIRPIN6, hairpinKey(true), Set.of()));
        }
        return sets;
    }

    static Expr hairpinKey(boolean v6) {
        return concat(CT_MARK, saddr(v6));
    }

    /** {@code output} and {@code nat-output}, when the intra maps are declared; {@code dnat}: nat-prerouting's rules. */
    static List<Chain> outputChains(Set<String> declared, List<Rule> dnat) {
        if (!declared.contains(Layout.INTRA4)) {
            return List.of();
        }
        Expr dispatch4 = concat(L4PROTO, daddr(false), TH_DPORT);
        Expr dispatch6 = concat(L4PROTO, daddr(true), TH_DPORT);
        List<Rule> dispatch = new ArrayList<>(List.of(
                RulesetCompiler.firstPacket(new Stmt.VerdictMap(dispatch4, set(Layout.INTRA4))),
                RulesetCompiler.firstPacket(new Stmt.VerdictMap(dispatch4, set(Layout.INTRA4_RANGES))),
                RulesetCompiler.firstPacket(new Stmt.VerdictMap(dispatch6, set(Layout.INTRA6))),
                RulesetCompiler.firstPacket(new Stmt.VerdictMap(dispatch6, set(Layout.INTRA6_RANGES)))));
        if (declared.contains(Layout.PACKET_MARKS)) {
            dispatch.add(Rule.of(new Stmt.MetaSet(MetaKey.MARK,
                    new Expr.MapLookup(CT_MARK, set(Layout.PACKET_MARKS), DataType.MARK))));
        }
        return List.of(
                Chain.base(Layout.CHAIN_LOCAL_DISPATCH, Chain.Hook.of(Chain.ChainType.ROUTE, Chain.HookPoint.OUTPUT,
                        Chain.PRIORITY_MANGLE), dispatch),
                Chain.base(Layout.CHAIN_LOCAL_DNAT, Chain.Hook.of(Chain.ChainType.NAT, Chain.HookPoint.OUTPUT,
                        Chain.PRIORITY_DSTNAT), dnat));
    }

    /** {@code ct mark . ip saddr @hairpin4 masquerade} and its IPv6 twin, when the hairpin sets are declared. */
    static List<Rule> hairpinRules(Set<String> declared) {
        if (!declared.contains(Layout.HAIRPIN4)) {
            return List.of();
        }
        return List.of(
                Rule.of(Stmt.Match.eq(hairpinKey(false), set(Layout.HAIRPIN4)), new Stmt.Masquerade(Set.of())),
                Rule.of(Stmt.Match.eq(hairpinKey(true), set(Layout.HAIRPIN6)), new Stmt.Masquerade(Set.of())));
    }

    /**
     * A hairpin farm's elements: each backend's mark with the address of each of the farm's
     * backends of its IP version (a backend may be scheduled to itself or to a neighbour).
     */
    static void hairpinElements(Farm farm, Map<String, Expr.Int> marks, Map<String, List<Element>> elements) {
        if (!hairpin(farm)) {
            return;
        }
        for (Backend b : farm.backends()) {
            boolean v6 = b.family() == IpFamily.IPV6;
            Set<InetAddress> sources = new LinkedHashSet<>();
            farm.backends().stream().filter(s -> s.family() == b.family()).forEach(s -> sources.add(s.address()));
            for (InetAddress source : sources) {
                elements.computeIfAbsent(v6 ? Layout.HAIRPIN6 : Layout.HAIRPIN4, k -> new ArrayList<>())
                        .add(Element.of(concat(marks.get(b.name()), backendAddr(source))));
            }
        }
    }

    /** A farm with intra-connect: its dispatch elements again, in the intra maps. */
    static void intraElements(Farm farm, Map<String, List<Element>> elements) {
        if (!farm.intraConnect()) {
            return;
        }
        for (Map.Entry<String, String> e : INTRA_OF) {
            List<Element> dispatch = elements.get(e.getKey());
            if (dispatch != null) {
                elements.put(e.getValue(), dispatch);
            }
        }
    }
}
