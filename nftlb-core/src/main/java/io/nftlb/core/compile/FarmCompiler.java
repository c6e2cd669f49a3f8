package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.CT_MARK;
import static io.nftlb.core.compile.Nodes.ETHER_SADDR;
import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.TH_SPORT;
import static io.nftlb.core.compile.Nodes.addr;
import static io.nftlb.core.compile.Nodes.backendAddr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.mark;
import static io.nftlb.core.compile.Nodes.port;
import static io.nftlb.core.compile.Nodes.proto;
import static io.nftlb.core.compile.Nodes.saddr;
import static io.nftlb.core.compile.Nodes.set;
import static io.nftlb.core.compile.Nodes.slot;

import io.nftlb.core.Backend;
import io.nftlb.core.ClientPort;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.IpFamily;
import io.nftlb.core.Persistence;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import io.nftlb.core.internal.compile.BackendIdentity;
import io.nftlb.core.internal.compile.Layout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Compiles one farm into its chain and its elements of the shared maps. */
final class FarmCompiler {

    private final Farm farm;
    private final Ids ids;
    private final String chain;
    private final Map<String, List<Element>> elements = new LinkedHashMap<>();
    /**
     * Each backend's mark as one value per compile: it appears in several elements (where the
     * backend is, its scheduling slots), and a runtime keeps 10,000 farms' elements.
     */
    private final Map<String, Expr.Int> marks = new HashMap<>();

    /** Protocol number to its destination port field, one node shared by every farm's guard. */
    private static final Map<Integer, Expr> DPORTS = Map.of(
            Protocol.TCP.number(), new Expr.Payload(PayloadField.TCP_DPORT),
            Protocol.UDP.number(), new Expr.Payload(PayloadField.UDP_DPORT),
            Protocol.SCTP.number(), new Expr.Payload(PayloadField.SCTP_DPORT));

    private FarmCompiler(Farm farm, Ids ids) {
        this.farm = farm;
        this.ids = ids;
        this.chain = Layout.farmChain(farm.name());
    }

    static FarmPart compile(Farm farm, Ids ids) {
        return new FarmCompiler(farm, ids).compile();
    }

    /** The mark of a backend (see {@link #marks}). */
    private Expr.Int backendMark(String backend) {
        return marks.computeIfAbsent(backend, b -> mark(ids.mark(b)));
    }

    private FarmPart compile() {
        if (farm.forwarding().servedAtIngress()) {
            throw new UnsupportedFeatureException("farm \"" + farm.name() + "\": forwarding "
                    + farm.forwarding().keyword() + " is not supported by this version of the compiler");
        }
        dispatch();
        backendsElements();
        List<Rule> rules = new ArrayList<>();
        boolean pinned = !farm.staticSessions().isEmpty() || !farm.portSessions().isEmpty();
        boolean persistent = farm.persistence().isPresent();
        if (pinned) {
            staticSessions(rules);
        }
        persistent(rules, Phase.RESTORE);
        // A restored mark of a backend that no longer serves does not survive scheduling: the
        // scheduling rule overwrites it, and a slot without a backend gives mark 0 (Lookups).
        for (boolean v6 : farm.forwarding() instanceof Forwarding.Host ? List.<Boolean>of() : families()) {
            // A host farm schedules nothing: its chain is its guards, and the packet goes on as addressed.
            List<Backend> serving = activeTier(v6);
            schedulingSlots(serving, v6);
            scheduling(rules, serving.size(), v6);
        }
        persistent(rules, Phase.RECORD);
        rules = LimitsCompiler.around(farm, ids, rules, families());
        Map<String, List<Element>> guards = GuardCompiler.guardElements(farm, chain, elements);
        if (rules.size() == 1 && guards.isEmpty()) {
            Optional<FarmPart> inlined = inShard(rules.get(0));
            if (inlined.isPresent()) {
                return inlined.get();
            }
        }
        elements.putAll(guards);
        LocalClients.intraElements(farm, elements);
        return new FarmPart(farm.name(), ids.farmId(), Chain.regular(chain, rules), elements);
    }

    /**
     * The part of a farm whose one rule goes into a shard chain ({@link Layout#SHARDS}) instead
     * of a chain of its own, if its service is one exact key: one address, protocol and port.
     * The rule is guarded by that key, as the shard holds other farms' rules; a packet reaches it
     * only through the farm's dispatch element, which now goes to the shard.
     */
    private Optional<FarmPart> inShard(Rule rule) {
        List<Element> exact4 = elements.getOrDefault(Layout.FARMS4, List.of());
        List<Element> exact6 = elements.getOrDefault(Layout.FARMS6, List.of());
        if (exact4.size() + exact6.size() != 1 || elements.containsKey(Layout.FARMS4_RANGES)
                || elements.containsKey(Layout.FARMS6_RANGES)) {
            return Optional.empty();
        }
        boolean v6 = exact4.isEmpty();
        String dispatchMap = v6 ? Layout.FARMS6 : Layout.FARMS4;
        Element dispatch = (v6 ? exact6 : exact4).get(0);
        List<Expr> key = ((Expr.Concat) dispatch.key()).parts();
        String shard = Layout.shardChain(ids.farmId(), v6);
        // tcp dport (the protocol is its implied dependency), as nft writes and reads it back.
        Expr dport = DPORTS.get((int) ((Expr.Int) key.get(0)).value());
        if (dport == null) {
            throw new IllegalStateException("farm \"" + farm.name() + "\": protocol " + key.get(0));
        }
        // The address first: with many addresses (the common case) most guards fail at their second
        // comparison (the first is the address family the implied dependency checks).
        List<Stmt> guarded = new ArrayList<>(List.of(
                new Stmt.Match(daddr(v6), Stmt.Op.EQ, key.get(1)),
                new Stmt.Match(dport, Stmt.Op.EQ, key.get(2))));
        guarded.addAll(rule.statements());
        elements.put(dispatchMap, List.of(Element.of(dispatch.key(), new Expr.VerdictValue(Verdict.goTo(shard)))));
        LocalClients.intraElements(farm, elements);
        return Optional.of(new FarmPart(farm.name(), ids.farmId(), Chain.regular(shard, List.of(new Rule(guarded, rule.comment()))),
                elements));
    }

    // ---- dispatch: proto . vip . port -> goto farm chain --------------------------------

    private void dispatch() {
        List<Integer> protocols = farm.protocol() == Protocol.ALL
                ? List.of(Protocol.TCP.number(), Protocol.UDP.number(), Protocol.SCTP.number())
                : List.of(farm.protocol().number());
        List<PortRange> ports = farm.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : farm.ports();
        Expr target = new Expr.VerdictValue(Verdict.goTo(chain));
        for (InetAddress vip : farm.addresses()) {
            boolean v6 = vip instanceof Inet6Address;
            for (int p : protocols) {
                for (PortRange r : ports) {
                    Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                    String map = r.single() ? (v6 ? Layout.FARMS6 : Layout.FARMS4)
                            : (v6 ? Layout.FARMS6_RANGES : Layout.FARMS4_RANGES);
                    add(map, Element.of(concat(proto(p), addr(vip), portKey), target));
                }
            }
        }
    }

    // ---- scheduling ---------------------------------------------------------------------

    /**
     * The serving backends of one IP version in the best (lowest-numbered) priority tier that
     * has any: an IPv4 client can only be sent to an IPv4 backend.
     */
    private List<Backend> activeTier(boolean v6) {
        List<Backend> candidates = farm.backends().stream()
                .filter(b -> b.serving() && (b.family() == IpFamily.IPV6) == v6).toList();
        int best = candidates.stream().mapToInt(Backend::priority).min().orElse(0);
        return candidates.stream().filter(b -> b.priority() == best).toList();
    }

    /** The backends that take new connections now: the active tier of each IP version. */
    private List<Backend> servingAll() {
        List<Backend> all = new ArrayList<>();
        families().forEach(v6 -> all.addAll(activeTier(v6)));
        return all;
    }

    /** Where the farm's slice of the scheduling map starts for one IP version. */
    private long base(boolean v6) {
        return (long) ids.farmId() * RulesetCompiler.SLOTS_PER_FARM + (v6 ? RulesetCompiler.SLOTS : 0);
    }

    private void schedulingSlots(List<Backend> serving, boolean v6) {
        if (serving.isEmpty()) {
            return;
        }
        if (farm.scheduler() instanceof Scheduler.Maglev m) {
            MaglevSlots.elements(m, serving, ids).forEach(e -> add(MaglevSlots.map(v6), e));
            return;
        }
        if (farm.scheduler() instanceof Scheduler.RoundRobin) {
            for (int i = 0; i < serving.size(); i++) {
                add(Layout.sched(ids.farmId()), Element.of(slot(base(v6) + i), backendMark(serving.get(i).name())));
            }
            return;
        }
        List<Integer> weights = serving.stream().map(Backend::weight).toList();
        for (Slots.Run run : Slots.partition(weights, RulesetCompiler.SLOTS)) {
            Expr key = run.first() == run.last() ? slot(base(v6) + run.first())
                    : new Expr.Range(slot(base(v6) + run.first()), slot(base(v6) + run.last()));
            add(Layout.sched(ids.farmId()), Element.of(key, backendMark(serving.get(run.index()).name())));
        }
    }

    /**
     * {@code ct mark set <slot> jump lookup-sched<k>}: the farm computes its slot, and the one shared
     * lookup rule turns it into a backend's mark (see {@link Lookups} for why not here).
     */
    private void scheduling(List<Rule> rules, int servingCount, boolean v6) {
        long slots = RulesetCompiler.SLOTS;
        Expr selector = switch (farm.scheduler()) {
            case Scheduler.RoundRobin rr -> new Expr.Numgen(Expr.NumgenType.INC, Math.max(1, servingCount), base(v6));
            case Scheduler.Weighted w -> new Expr.Numgen(Expr.NumgenType.RANDOM, slots, base(v6));
            case Scheduler.SymmetricHash s -> new Expr.Symhash(slots, base(v6));
            case Scheduler.Hash h -> new Expr.Jhash(hashInput(h.fields(), v6), slots, h.seed(), base(v6));
            case Scheduler.Maglev m -> MaglevSlots.selector(m, hashInput(m.fields(), v6), ids.farmId());
        };
        // Each IP version of a dual farm has its own slice: guard with the version, as numgen does not imply it.
        List<Stmt> guard = farm.family() == IpFamily.DUAL ? List.of(Lookups.nfproto(v6 ? 10 : 2)) : List.of();
        rules.add(Lookups.schedule(guard, selector, farm.scheduler() instanceof Scheduler.Maglev
                ? Layout.CHAIN_LOOKUP_MAGLEV : Layout.schedLookupChain(ids.farmId())));
    }

    static Expr hashInput(List<Scheduler.HashField> fields, boolean v6) {
        List<Expr> parts = fields.stream().map(f -> switch (f) {
            case SOURCE_ADDRESS -> saddr(v6);
            case SOURCE_PORT -> TH_SPORT;
            case DESTINATION_ADDRESS -> daddr(v6);
            case DESTINATION_PORT -> TH_DPORT;
            case SOURCE_MAC -> ETHER_SADDR;
            case DESTINATION_MAC -> Nodes.ETHER_DADDR;
        }).toList();
        return parts.size() == 1 ? parts.get(0) : new Expr.Concat(parts);
    }

    // ---- backends: where they are, and how their traffic is source-NATed ---------------

    private void backendsElements() {
        for (Backend b : farm.backends()) {
            Expr m = backendMark(b.name());
            boolean v6 = b.family() == IpFamily.IPV6;
            // The element that says where a backend is names it: the kernel's table then tells a
            // restarted control plane which mark each backend has (BackendIdentity).
            Optional<String> who = Optional.of(BackendIdentity.comment(farm.name(), b.name()));
            if (farm.forwarding() instanceof Forwarding.Local) {
                // To this host: the address is the loopback (checked by Farm); only the port matters.
                if (b.port().isPresent()) {
                    add(Layout.LOCAL_PORT, new Element(m, Optional.of(port(b.port().getAsInt())), Optional.empty(), who));
                } else {
                    add(Layout.LOCAL, new Element(m, Optional.empty(), Optional.empty(), who));
                }
            } else if (b.port().isPresent()) {
                add(v6 ? Layout.DNAT6_PORT : Layout.DNAT4_PORT, new Element(m,
                        Optional.of(concat(backendAddr(b.address()), port(b.port().getAsInt()))), Optional.empty(), who));
            } else {
                add(v6 ? Layout.DNAT6 : Layout.DNAT4,
                        new Element(m, Optional.of(backendAddr(b.address())), Optional.empty(), who));
            }
            if (farm.forwarding() instanceof Forwarding.Snat snat) {
                Optional<InetAddress> source = b.sourceAddress().or(snat::sourceAddress);
                if (source.isPresent()) {
                    add(v6 ? Layout.SNAT6 : Layout.SNAT4, Element.of(m, addr(source.get())));
                } else {
                    add(Layout.MASQUERADE, Element.of(m));
                }
            }
            long packetMark = b.packetMark().orElse(farm.packetMark().orElse(0));
            if (packetMark != 0) {
                add(Layout.PACKET_MARKS, Element.of(m, mark(packetMark)));
            }
            if (farm.flowOffload().isPresent()) {
                add(Layout.OFFLOADED, Element.of(m));
            }
        }
        LocalClients.hairpinElements(farm, marks, elements);
        if (!farm.staticSessions().isEmpty() || !farm.portSessions().isEmpty() || farm.persistence().isPresent()) {
            for (Backend b : servingAll()) {
                add(Layout.SERVING, Element.of(backendMark(b.name())));
            }
        }
    }

    // ---- static sessions and persistence -------------------------------------------------

    private void staticSessions(List<Rule> rules) {
        List<PortRange> ports = farm.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : farm.ports();
        for (Map.Entry<InetAddress, String> s : farm.staticSessions().entrySet()) {
            boolean v6 = s.getKey() instanceof Inet6Address;
            for (InetAddress vip : farm.addresses()) {
                if ((vip instanceof Inet6Address) != v6) {
                    continue;
                }
                for (PortRange r : ports) {
                    Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                    add(v6 ? Layout.STATIC6 : Layout.STATIC4, Element.of(
                            concat(addr(s.getKey()), addr(vip), portKey), backendMark(s.getValue())));
                }
            }
        }
        for (Map.Entry<ClientPort, String> s : farm.portSessions().entrySet()) {
            boolean v6 = s.getKey().address() instanceof Inet6Address;
            for (InetAddress vip : farm.addresses()) {
                if ((vip instanceof Inet6Address) != v6) {
                    continue;
                }
                for (PortRange r : ports) {
                    Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                    add(v6 ? Layout.STATIC6_PORT : Layout.STATIC4_PORT, Element.of(concat(addr(s.getKey().address()),
                            port(s.getKey().port()), addr(vip), portKey), backendMark(s.getValue())));
                }
            }
        }
        rules.add(Lookups.staticSessions());
        rules.add(Rule.of(Stmt.Match.eq(CT_MARK, set(Layout.SERVING)), new Stmt.VerdictStmt(Verdict.ACCEPT)));
    }

    private enum Phase { RESTORE, RECORD }

    private void persistent(List<Rule> rules, Phase phase) {
        if (farm.persistence().isEmpty()) {
            return;
        }
        Persistence p = farm.persistence().get();
        if (phase == Phase.RESTORE) {
            rules.add(Lookups.persistence(p.key())); // restores the mark, whichever IP version
        }
        for (boolean v6 : families()) {
            Expr key = persistenceKey(p.key(), v6);
            String map = Layout.persistence(keyName(p.key()), v6);
            Stmt record = new Stmt.SetUpdate(Stmt.SetOp.UPDATE, map, key, Optional.of(CT_MARK), Optional.of(p.ttl()));
            Stmt.Match marked = new Stmt.Match(CT_MARK, Stmt.Op.NE, mark(0));
            if (phase == Phase.RESTORE) {
                rules.add(Rule.of(Stmt.Match.eq(CT_MARK, set(Layout.SERVING)), record,
                        new Stmt.VerdictStmt(Verdict.ACCEPT)));
                // A restored mark that does not serve any more: forget it, so the new choice is kept.
                rules.add(Rule.of(marked, new Stmt.SetUpdate(Stmt.SetOp.DELETE, map, key, Optional.of(CT_MARK),
                        Optional.empty())));
            } else {
                rules.add(Rule.of(marked, record));
            }
        }
    }

    /** The key of the static-session maps: the client, and the farm by its address and port. */
    static Expr staticKey(boolean v6) {
        return concat(saddr(v6), daddr(v6), TH_DPORT);
    }

    /** The key of the static-session maps by client port: the client and its port, and the farm by its address and port. */
    static Expr staticPortKey(boolean v6) {
        return concat(saddr(v6), TH_SPORT, daddr(v6), TH_DPORT);
    }

    /** The key fields of a persistence map; each is scoped to the farm by its address and port. */
    static Expr persistenceKey(Persistence.Key key, boolean v6) {
        return switch (key) {
            case SOURCE_ADDRESS -> concat(saddr(v6), daddr(v6), TH_DPORT);
            case SOURCE_ADDRESS_PORT -> concat(saddr(v6), TH_SPORT, daddr(v6), TH_DPORT);
            case DESTINATION -> concat(daddr(v6), TH_DPORT);
            case SOURCE_MAC -> concat(ETHER_SADDR, daddr(v6), TH_DPORT);
        };
    }

    static String keyName(Persistence.Key key) {
        return Layout.persistenceKeyName(key);
    }

    // ---- helpers --------------------------------------------------------------------------

    /** The IP versions of the farm's virtual addresses: false for IPv4, true for IPv6. */
    private List<Boolean> families() {
        return switch (farm.family()) {
            case IPV4 -> List.of(false);
            case IPV6 -> List.of(true);
            case DUAL -> List.of(false, true);
        };
    }

    private void add(String set, Element element) {
        elements.computeIfAbsent(set, k -> new ArrayList<>()).add(element);
    }

}
