package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.CT_MARK;
import static io.nftlb.core.compile.Nodes.CT_STATE;
import static io.nftlb.core.compile.Nodes.CT_STATUS;
import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.META_MARK;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.proto;
import static io.nftlb.core.compile.Nodes.saddr;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Ruleset;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Table;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.compile.SchedMaps;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles farms into the nftables ruleset of the data-path layout (see {@link Layout}):
 *
 * <ul>
 *   <li>{@code prerouting} (filter, mangle): a new connection finds its farm with one verdict
 *       map lookup on {@code l4proto . daddr . dport} and goes to the farm's chain, which puts
 *       a slot of its slice of its shared {@code sched<k>} map in {@code ct mark} and jumps to
 *       {@code lookup-sched<k>}, whose one rule replaces the slot with the chosen backend's mark
 *       ({@link Lookups}: one rule per shared map keeps control-plane changes independent of
 *       the number of farms);
 *   <li>{@code nat-prerouting} (dstnat): {@code dnat to ct mark map @dnat4};
 *   <li>{@code nat-postrouting} (srcnat): masquerade or sNAT by mark.
 * </ul>
 *
 * Rules do not depend on weights or states: those are map elements only.
 */
public final class RulesetCompiler {

    /** Size of each farm's slice of the scheduling map: weights are shares of this. */
    public static final int SLOTS = 10_000;

    /** Each farm's part of the scheduling map: one slice for IPv4 backends, one for IPv6. */
    public static final int SLOTS_PER_FARM = 2 * SLOTS;

    /** Default size cap of each persistence map (clients remembered at once, all farms). */
    public static final int DEFAULT_PERSISTENCE_SIZE = 262_144;

    private RulesetCompiler() {}

    /** The result: the ruleset, the ids used, and each farm's part (for the planner). */
    public record Compiled(Ruleset ruleset, Allocation allocation, Map<String, FarmPart> parts,
                           Map<String, Farm> farms) {

        /** For people: what the data path does for this farm (chain, maps, marks, shares). */
        public String explain(String farm) {
            Farm f = farms.get(farm);
            if (f == null) {
                throw new IllegalArgumentException("no farm \"" + farm + "\" in this ruleset");
            }
            return Explain.farm(f, allocation.ids(farm), parts.get(farm));
        }
    }

    /** Compiles with fresh ids (deterministic: farms and backends numbered in order). */
    public static Compiled compile(List<Farm> farms) {
        return compile(farms, Allocation.empty());
    }

    /** Compiles, keeping the ids that {@code previous} gave to farms and backends still there. */
    public static Compiled compile(List<Farm> farms, Allocation previous) {
        checkDistinct(farms);
        Allocation allocation = previous.assign(farms);
        Map<String, FarmPart> parts = new LinkedHashMap<>();
        for (Farm f : farms) {
            parts.put(f.name(), FarmCompiler.compile(f, allocation.ids(f.name())));
        }
        Map<String, Farm> byName = new LinkedHashMap<>();
        farms.forEach(f -> byName.put(f.name(), f));
        return new Compiled(new Ruleset(List.of(table(farms, parts))), allocation, parts, byName);
    }

    /**
     * Two farms must neither share a name nor claim the same protocol, address and port.
     * Sorting each (protocol, address)'s claims by first port finds overlaps in O(n log n), so
     * compiling 10,000 farms does not compare every pair.
     */
    private static void checkDistinct(List<Farm> farms) {
        Map<String, Farm> byName = new HashMap<>();
        Map<String, List<Claim>> claims = new HashMap<>();
        for (Farm f : farms) {
            if (byName.putIfAbsent(f.name(), f) != null) {
                throw new io.nftlb.core.InvalidFarmException("farm \"" + f.name() + "\": name is used twice");
            }
            for (Protocol p : protocols(f)) {
                for (InetAddress vip : f.addresses()) {
                    for (PortRange r : ports(f)) {
                        claims.computeIfAbsent(p + " " + vip.getHostAddress(), k -> new ArrayList<>())
                                .add(new Claim(f, vip, r));
                    }
                }
            }
        }
        for (List<Claim> list : claims.values()) {
            list.sort(java.util.Comparator.comparingInt((Claim c) -> c.ports().from()));
            Claim widest = list.get(0); // the claim reaching furthest so far
            for (int i = 1; i < list.size(); i++) {
                Claim before = widest;
                Claim after = list.get(i);
                if (after.ports().to() > widest.ports().to()) {
                    widest = after;
                }
                if (before.ports().overlaps(after.ports()) && before.farm() != after.farm()) {
                    Claim first = farms.indexOf(before.farm()) < farms.indexOf(after.farm()) ? before : after;
                    Claim second = first == before ? after : before;
                    throw new io.nftlb.core.InvalidFarmException("farm \"" + second.farm().name() + "\": "
                            + io.nftlb.core.render.NftText.address(second.vip()) + " port " + second.ports()
                            + " is already served by farm \"" + first.farm().name() + "\"");
                }
            }
        }
    }

    private record Claim(Farm farm, InetAddress vip, PortRange ports) {}

    /** ALL claims each protocol it stands for, so it overlaps a TCP farm on the same port. */
    private static List<Protocol> protocols(Farm f) {
        return f.protocol() == Protocol.ALL ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP)
                : List.of(f.protocol());
    }

    private static List<PortRange> ports(Farm f) {
        return f.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : f.ports();
    }

    private static Table table(List<Farm> farms, Map<String, FarmPart> parts) {
        Map<String, List<Element>> elements = new HashMap<>();
        for (FarmPart p : parts.values()) {
            p.elements().forEach((set, list) -> elements.computeIfAbsent(set, k -> new ArrayList<>()).addAll(list));
        }
        List<NamedSet> sets = new ArrayList<>();
        for (NamedSet s : declarations(farms, SchedMaps.usedBy(parts.values()))) {
            sets.add(s.withElements(elements.getOrDefault(s.name(), List.of())));
        }
        Set<String> declared = new HashSet<>();
        sets.forEach(s -> declared.add(s.name()));
        List<Chain> chains = new ArrayList<>(baseChains(declared));
        chains.addAll(FarmPart.chains(parts.values()));
        return new Table(Family.INET, Layout.TABLE.name(), sets, HelpersCompiler.objects(farms),
                OffloadCompiler.flowtables(farms), chains);
    }

    /**
     * The sets: a fixed core that every ruleset has (so that rules never change as farms come
     * and go), the maps of optional features when some farm uses them, then the scheduling maps
     * {@code schedMaps} that farms use ({@link SchedMaps}).
     */
    static List<NamedSet> declarations(List<Farm> farms, Collection<Integer> schedMaps) {
        List<NamedSet> sets = new ArrayList<>(CoreSets.DECLARATIONS);
        sets.addAll(optionalDeclarations(farms));
        schedMaps.forEach(k -> sets.add(SchedMaps.map(k)));
        return sets;
    }

    /** The sets every ruleset declares, in declaration order; immutable values, so made once. */
    private static final class CoreSets {
        static final List<NamedSet> DECLARATIONS = core();

        private static List<NamedSet> core() {
            Expr dispatch4 = concat(L4PROTO, daddr(false), TH_DPORT);
            Expr dispatch6 = concat(L4PROTO, daddr(true), TH_DPORT);
            Set<SetFlag> interval = Set.of(SetFlag.INTERVAL);
            List<NamedSet> sets = new ArrayList<>(List.of(
                    NamedSet.verdictMap(Layout.FARMS4, dispatch4, Set.of()),
                    NamedSet.verdictMap(Layout.FARMS4_RANGES, dispatch4, interval),
                    NamedSet.verdictMap(Layout.FARMS6, dispatch6, Set.of()),
                    NamedSet.verdictMap(Layout.FARMS6_RANGES, dispatch6, interval),
                    NamedSet.map(Layout.DNAT4, CT_MARK, daddr(false), Set.of()),
                    NamedSet.map(Layout.DNAT4_PORT, CT_MARK, concat(daddr(false), TH_DPORT), Set.of()),
                    NamedSet.map(Layout.DNAT6, CT_MARK, daddr(true), Set.of()),
                    NamedSet.map(Layout.DNAT6_PORT, CT_MARK, concat(daddr(true), TH_DPORT), Set.of()),
                    NamedSet.set(Layout.MASQUERADE, CT_MARK, Set.of()),
                    NamedSet.map(Layout.SNAT4, CT_MARK, saddr(false), Set.of()),
                    NamedSet.map(Layout.SNAT6, CT_MARK, saddr(true), Set.of())));
            return List.copyOf(sets);
        }
    }

    /**
     * The sets a ruleset declares only because some of {@code farms} need them (none of the
     * core ones), in declaration order.
     */
    static List<NamedSet> optionalDeclarations(List<Farm> farms) {
        Set<SetFlag> interval = Set.of(SetFlag.INTERVAL);
        List<NamedSet> sets = new ArrayList<>();
        if (farms.stream().anyMatch(f -> f.scheduler() instanceof io.nftlb.core.Scheduler.Maglev)) {
            // Only with Maglev farms, so that other rulesets stay as they were (see MaglevSlots).
            sets.add(NamedSet.map(MaglevSlots.MAP4, CT_MARK, CT_MARK, Set.of()));
            sets.add(NamedSet.map(MaglevSlots.MAP6, CT_MARK, CT_MARK, Set.of()));
        }
        boolean pinnedPorts = farms.stream().anyMatch(f -> !f.portSessions().isEmpty());
        boolean pinned = pinnedPorts || farms.stream().anyMatch(f -> !f.staticSessions().isEmpty());
        boolean persistent = farms.stream().anyMatch(f -> f.persistence().isPresent());
        if (pinned || persistent) {
            sets.add(NamedSet.set(Layout.SERVING, CT_MARK, Set.of()));
        }
        if (pinned) {
            sets.add(NamedSet.map(Layout.STATIC4, concat(saddr(false), daddr(false), TH_DPORT), CT_MARK, interval));
            sets.add(NamedSet.map(Layout.STATIC6, concat(saddr(true), daddr(true), TH_DPORT), CT_MARK, interval));
        }
        if (pinnedPorts) {
            sets.add(NamedSet.map(Layout.STATIC4_PORT, FarmCompiler.staticPortKey(false), CT_MARK, interval));
            sets.add(NamedSet.map(Layout.STATIC6_PORT, FarmCompiler.staticPortKey(true), CT_MARK, interval));
        }
        for (Persistence.Key key : Persistence.Key.values()) {
            if (farms.stream().anyMatch(f -> f.persistence().map(p -> p.key() == key).orElse(false))) {
                for (boolean v6 : List.of(false, true)) {
                    sets.add(NamedSet.map(Layout.persistence(FarmCompiler.keyName(key), v6),
                                    FarmCompiler.persistenceKey(key, v6), CT_MARK,
                                    Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT))
                            .withSize(DEFAULT_PERSISTENCE_SIZE));
                }
            }
        }
        if (farms.stream().anyMatch(f -> f.forwarding() instanceof io.nftlb.core.Forwarding.Local)) {
            sets.add(NamedSet.set(Layout.LOCAL, CT_MARK, Set.of()));
            sets.add(NamedSet.map(Layout.LOCAL_PORT, CT_MARK, TH_DPORT, Set.of()));
        }
        boolean marks = farms.stream().anyMatch(f -> f.packetMark().isPresent()
                || f.backends().stream().anyMatch(b -> b.packetMark().isPresent()));
        if (marks) {
            sets.add(NamedSet.map(Layout.PACKET_MARKS, CT_MARK, META_MARK, Set.of()));
        }
        sets.addAll(LimitsCompiler.declarations(farms));
        sets.addAll(OffloadCompiler.declarations(farms));
        sets.addAll(LocalClients.declarations(farms));
        return sets;
    }

    private static List<Chain> baseChains(Set<String> declared) {
        Expr dispatch4 = concat(L4PROTO, daddr(false), TH_DPORT);
        Expr dispatch6 = concat(L4PROTO, daddr(true), TH_DPORT);
        List<Rule> dispatch = new ArrayList<>(List.of(
                firstPacket(new Stmt.VerdictMap(dispatch4, set(Layout.FARMS4))),
                firstPacket(new Stmt.VerdictMap(dispatch4, set(Layout.FARMS4_RANGES))),
                firstPacket(new Stmt.VerdictMap(dispatch6, set(Layout.FARMS6))),
                firstPacket(new Stmt.VerdictMap(dispatch6, set(Layout.FARMS6_RANGES)))));
        dispatch.addAll(GuardCompiler.guardRules(declared));
        if (declared.contains(Layout.PACKET_MARKS)) {
            dispatch.add(Rule.of(new Stmt.MetaSet(MetaKey.MARK,
                    new Expr.MapLookup(CT_MARK, set(Layout.PACKET_MARKS), DataType.MARK))));
        }
        Expr ported = new Expr.AnonSet(List.of(Element.of(proto(Protocol.TCP.number())),
                Element.of(proto(Protocol.UDP.number())), Element.of(proto(Protocol.SCTP.number()))));
        List<Rule> dnat = new ArrayList<>(List.of(
                Rule.of(dnat(io.nftlb.core.ast.Family.IP, Layout.DNAT4, DataType.IPV4_ADDR)),
                Rule.of(Stmt.Match.eq(L4PROTO, ported), dnat(Family.IP, Layout.DNAT4_PORT, DataType.INTEGER)),
                Rule.of(dnat(Family.IP6, Layout.DNAT6, DataType.IPV6_ADDR)),
                Rule.of(Stmt.Match.eq(L4PROTO, ported), dnat(Family.IP6, Layout.DNAT6_PORT, DataType.INTEGER))));
        if (declared.contains(Layout.LOCAL)) {
            dnat.add(Rule.of(Stmt.Match.eq(CT_MARK, set(Layout.LOCAL)), new Stmt.Redirect(Optional.empty())));
            dnat.add(Rule.of(Stmt.Match.eq(L4PROTO, ported), new Stmt.Redirect(Optional.of(
                    new Expr.MapLookup(CT_MARK, set(Layout.LOCAL_PORT), DataType.INET_SERVICE)))));
        }
        List<Rule> snat = new ArrayList<>(List.of(
                Rule.of(Stmt.Match.eq(CT_MARK, set(Layout.MASQUERADE)), new Stmt.Masquerade(Set.of())),
                Rule.of(nat(Stmt.NatKind.SNAT, Family.IP, Layout.SNAT4, DataType.IPV4_ADDR)),
                Rule.of(nat(Stmt.NatKind.SNAT, Family.IP6, Layout.SNAT6, DataType.IPV6_ADDR))));
        snat.addAll(LocalClients.hairpinRules(declared));
        List<Chain> chains = new ArrayList<>(List.of(
                Chain.base(Layout.CHAIN_DISPATCH, Chain.Hook.of(Chain.ChainType.FILTER, Chain.HookPoint.PREROUTING,
                        Chain.PRIORITY_MANGLE), dispatch),
                Chain.base(Layout.CHAIN_DNAT, Chain.Hook.of(Chain.ChainType.NAT, Chain.HookPoint.PREROUTING,
                        Chain.PRIORITY_DSTNAT), dnat),
                Chain.base(Layout.CHAIN_SNAT, Chain.Hook.of(Chain.ChainType.NAT, Chain.HookPoint.POSTROUTING,
                        Chain.PRIORITY_SRCNAT), snat)));
        chains.addAll(LocalClients.outputChains(declared, dnat));
        OffloadCompiler.forwardChain(declared).ifPresent(chains::add);
        chains.addAll(Lookups.chains(declared));
        return chains;
    }

    /**
     * {@code ct state new ct status ! confirmed <then>}: only the first packet of a connection is
     * scheduled. {@code ct state new} alone is not enough: conntrack calls every packet NEW until
     * the first reply, so a retransmitted SYN or a UDP flow's second datagram would run the
     * scheduler again, overwrite {@code ct mark} with another backend's mark, and keep the NAT
     * binding its first packet got (the nat hook sees a flow once). The entry is confirmed when
     * its first packet has passed the last hook, so an unconfirmed entry's packet is that first
     * packet. This holds for every farm and scheduler, whatever it keeps in {@code ct mark},
     * and a flow that found no backend is not scheduled later either (its NAT binding is made).
     */
    static Rule firstPacket(Stmt then) {
        return Rule.of(Stmt.Match.eq(CT_STATE, new Expr.Int(CtKey.STATE_NEW, DataType.CT_STATE)),
                new Stmt.Match(CT_STATUS, Stmt.Op.NONE_OF, new Expr.Int(CtKey.STATUS_CONFIRMED, DataType.CT_STATUS)),
                then);
    }

    private static Stmt dnat(Family family, String map, DataType valueType) {
        return nat(Stmt.NatKind.DNAT, family, map, valueType);
    }

    private static Stmt nat(Stmt.NatKind kind, Family family, String map, DataType valueType) {
        return new Stmt.Nat(kind, family, Optional.of(new Expr.MapLookup(CT_MARK, set(map), valueType)),
                Optional.empty(), Set.of());
    }
}
