package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.ETHER_DADDR;
import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.TH_SPORT;
import static io.nftlb.core.compile.Nodes.addr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.port;
import static io.nftlb.core.compile.Nodes.proto;
import static io.nftlb.core.compile.Nodes.saddr;
import static io.nftlb.core.compile.Nodes.set;
import static io.nftlb.core.compile.Nodes.numgenSlot;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Policy;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Verdict;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Compiles the netdev ingress table ({@link PolicyCompiler#TABLE}): the policies of
 * {@link PolicyCompiler}, then direct server return for {@link Forwarding.Dsr} farms and
 * stateless dNAT for {@link Forwarding.StatelessDnat} farms (see {@link StatelessDnatRules}).
 *
 * <pre>
 * chain ingress-eth0 {                       (policies' rules first)
 *   meta l4proto . ip daddr . th dport vmap @farms4-eth0         tcp . 10.0.0.40 . 80 : goto dsr-web
 * }
 * chain dsr-web {
 *   ether daddr set jhash ip saddr . th sport mod 10000 seed 0x0 offset 0 map @dsr-ether ether saddr set OUT_MAC fwd to "eth1"
 * }
 * map dsr-ether { typeof numgen random mod 10000 : ether daddr; flags interval }   slot ranges : backend MAC
 * </pre>
 *
 * There is no conntrack at ingress, so a connection must keep its backend packet by packet:
 * DSR schedules by a hash of the client's address and port (weights are shares of the hash
 * space; round robin and weighted farms are weighted this way, symmetric-hash farms use
 * {@code symhash}). Like the prerouting layout, each farm owns a slice of one shared
 * {@code dsr-ether} map (offset by its position among ingress farms, or by the runtime's farm
 * id: see {@link #compile(List, List, List, ToIntFunction)}), so a weight or state change is
 * map elements only. DSR farms are not given to {@link RulesetCompiler}: they have no part in
 * the inet table.
 */
public final class IngressCompiler {

    /** Slots of each DSR farm's slice of {@link #DSR_ETHER}. */
    public static final int SLOTS = RulesetCompiler.SLOTS;

    /** The shared map from hash slot to backend MAC. */
    public static final String DSR_ETHER = "dsr-ether";


    private IngressCompiler() {}

    /** The dispatch map of ingress farms (DSR, stateless dNAT) arriving on a device, e.g. {@code farms4-eth0}. */
    public static String dispatchMap(String device, boolean ipv6) {
        return "farms" + (ipv6 ? "6-" : "4-") + device;
    }

    /** The chain of a DSR farm. */
    public static String farmChain(String farm) {
        return "dsr-" + farm;
    }

    /**
     * The netdev table for policies (applied to {@code farms}) and DSR farms.
     *
     * @param dsr one path per DSR farm of {@code farms}
     * @throws InvalidFarmException if a DSR farm has no path, a path names no DSR farm, or a
     *     serving backend has no MAC
     * @throws UnsupportedFeatureException for a Maglev DSR farm
     */
    public static Table compile(List<Policy> policies, List<Farm> farms, List<DsrPath> dsr) {
        List<String> positions = farms.stream().filter(f -> f.forwarding().servedAtIngress()).map(Farm::name).toList();
        return compile(policies, farms, dsr, name -> positions.indexOf(name) * SLOTS);
    }

    /**
     * The netdev table as {@link #compile(List, List, List)} gives it, with each DSR or stateless
     * dNAT farm's slice of the slot maps starting at {@code firstSlot} of its name (slices must
     * not overlap). The runtime passes {@code farmId * SLOTS}, so that a farm's slots do not move
     * when other farms come and go, and a weight change stays an element change.
     */
    public static Table compile(List<Policy> policies, List<Farm> farms, List<DsrPath> dsr,
                                ToIntFunction<String> firstSlot) {
        Table base = PolicyCompiler.compile(policies, farms);
        Map<String, DsrPath> paths = new LinkedHashMap<>();
        dsr.forEach(p -> {
            if (paths.put(p.farm(), p) != null) {
                throw new InvalidFarmException("dsr path of farm \"" + p.farm() + "\": given twice");
            }
        });
        List<Farm> ingressFarms = farms.stream().filter(f -> f.forwarding().servedAtIngress()).toList();
        for (Farm f : ingressFarms) {
            if (!paths.containsKey(f.name())) {
                throw new InvalidFarmException("farm \"" + f.name() + "\": a " + f.forwarding().keyword()
                        + " farm needs a DsrPath (devices and MACs)");
            }
        }
        for (String name : paths.keySet()) {
            if (ingressFarms.stream().noneMatch(f -> f.name().equals(name))) {
                throw new InvalidFarmException("dsr path of farm \"" + name + "\": no such DSR or stateless dNAT farm");
            }
        }
        if (ingressFarms.isEmpty()) {
            return base;
        }
        Map<String, List<Rule>> ingress = new TreeMap<>();
        base.chains().forEach(c -> ingress.put(c.hook().orElseThrow().device().orElseThrow(), new ArrayList<>(c.rules())));
        Map<String, List<Element>> elements = new LinkedHashMap<>();
        List<Chain> farmChains = new ArrayList<>();
        java.util.Set<String> inDevices = new java.util.TreeSet<>();
        java.util.Set<String> replyDevices = new java.util.TreeSet<>();
        boolean stateless = false;
        boolean dsrFarms = false;
        for (Farm f : ingressFarms) {
            DsrPath path = paths.get(f.name());
            int base0 = firstSlot.applyAsInt(f.name());
            inDevices.add(path.inDevice());
            if (f.forwarding() instanceof Forwarding.Dsr) {
                dsrFarms = true;
                dispatch(f, path, farmChain(f.name()), elements);
                elements.computeIfAbsent(DSR_ETHER, k -> new ArrayList<>()).addAll(slots(f, path, base0));
                DsrSessions.elements(f, path, elements);
                farmChains.add(Chain.regular(farmChain(f.name()), farmRules(f, path, base0)));
            } else {
                stateless = true;
                StatelessDnatRules.check(f);
                replyDevices.add(path.outDevice());
                dispatch(f, path, StatelessDnatRules.farmChain(f.name()), elements);
                StatelessDnatRules.elements(f, path, base0, elements);
                StatelessDnatSessions.elements(f, elements);
                farmChains.add(Chain.regular(StatelessDnatRules.farmChain(f.name()),
                        StatelessDnatRules.forward(f, path, base0)));
                farmChains.add(Chain.regular(StatelessDnatRules.replyChain(f.name()), StatelessDnatRules.reply(f, path)));
            }
        }
        List<NamedSet> sets = new ArrayList<>(base.sets());
        Set<SetFlag> interval = Set.of(SetFlag.INTERVAL);
        for (String device : inDevices) {
            for (boolean v6 : List.of(false, true)) {
                String map = dispatchMap(device, v6);
                sets.add(NamedSet.verdictMap(map, service(v6), interval));
                ingress.computeIfAbsent(device, d -> new ArrayList<>())
                        .add(Rule.of(new Stmt.VerdictMap(service(v6), set(map))));
            }
        }
        for (String device : replyDevices) {
            for (boolean v6 : List.of(false, true)) {
                sets.add(StatelessDnatRules.replyMapDeclaration(device, v6));
                ingress.computeIfAbsent(device, d -> new ArrayList<>()).add(StatelessDnatRules.replyDispatch(device, v6));
            }
        }
        if (dsrFarms) { // declared while a DSR farm exists, so all its backends going down stays an element change
            sets.add(NamedSet.map(DSR_ETHER, new Expr.Numgen(Expr.NumgenType.RANDOM, SLOTS, 0), ETHER_DADDR, interval));
            sets.addAll(DsrSessions.declarations(ingressFarms.stream()
                    .filter(f -> f.forwarding() instanceof Forwarding.Dsr).toList()));
        }
        if (stateless) {
            sets.addAll(StatelessDnatRules.declarations());
            sets.addAll(StatelessDnatSessions.declarations(ingressFarms.stream()
                    .filter(f -> f.forwarding() instanceof Forwarding.StatelessDnat).toList()));
        }
        List<NamedSet> filled = new ArrayList<>();
        for (NamedSet s : sets) {
            List<Element> own = elements.get(s.name());
            filled.add(own == null ? s : s.withElements(distinct(s.name(), own)));
        }
        List<Chain> chains = new ArrayList<>();
        ingress.forEach((device, rules) -> chains.add(
                Chain.base(PolicyCompiler.chain(device), Chain.Hook.ingress(device, PolicyCompiler.PRIORITY), rules)));
        chains.addAll(farmChains);
        return Table.of(base.family(), base.name(), filled, chains);
    }

    /**
     * For people: what the ingress data path does for a DSR or stateless dNAT farm.
     *
     * @param farms all farms, in the order given to {@link #compile} (a farm's slot slice follows its position)
     */
    public static String explain(String farm, List<Farm> farms, DsrPath path) {
        List<Farm> ingressFarms = farms.stream().filter(f -> f.forwarding().servedAtIngress()).toList();
        int index = java.util.stream.IntStream.range(0, ingressFarms.size())
                .filter(i -> ingressFarms.get(i).name().equals(farm)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no DSR or stateless dNAT farm \"" + farm + "\""));
        return explain(ingressFarms.get(index), path, index * SLOTS);
    }

    /** For people: what the ingress data path does for a DSR or stateless dNAT farm whose slice starts at {@code firstSlot}. */
    public static String explain(Farm f, DsrPath path, int firstSlot) {
        boolean dsr = f.forwarding() instanceof Forwarding.Dsr;
        long first = firstSlot;
        StringBuilder b = new StringBuilder();
        b.append("farm \"").append(f.name()).append("\": ").append(f.forwarding().keyword()).append(" at the ingress of ")
                .append(path.inDevice()).append(" (table ").append(PolicyCompiler.TABLE).append(", before conntrack)\n");
        b.append("  new and established packets alike: chain ").append(PolicyCompiler.chain(path.inDevice()))
                .append(" looks up l4proto . daddr . dport in ").append(dispatchMap(path.inDevice(), false)).append(", ")
                .append(dispatchMap(path.inDevice(), true)).append(" and goes to chain ")
                .append(dsr ? farmChain(f.name()) : StatelessDnatRules.farmChain(f.name())).append('\n');
        String hashed = switch (f.scheduler()) {
            case Scheduler.SymmetricHash s -> "symhash";
            case Scheduler.Hash h -> "jhash of " + h.fields().stream().map(x -> x.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .collect(java.util.stream.Collectors.joining(" . "));
            default -> "jhash of client address . port";
        };
        b.append("  scheduling: ").append(hashed).append(" over slots ").append(first).append("..")
                .append(first + SLOTS - 1).append(" of map ").append(dsr ? DSR_ETHER : "sdnat4/sdnat6")
                .append(" (weights are shares of the hash space; no conntrack, so no per-connection state)\n");
        if (dsr && !f.staticSessions().isEmpty()) {
            b.append("  static sessions: ").append(f.staticSessions().size()).append(" client(s) pinned in ")
                    .append(DsrSessions.STATIC4).append('/').append(DsrSessions.STATIC6)
                    .append(", used while their backend serves the virtual address\n");
        }
        if (dsr && f.persistence().isPresent()) {
            var p = f.persistence().get();
            b.append("  persistence: by ").append(p.key().toString().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .append(", the backend's MAC remembered ").append(p.ttl()).append(" after the client's last packet in ")
                    .append(DsrSessions.map(p.key(), false)).append('/').append(DsrSessions.map(p.key(), true))
                    .append(", used while it serves the virtual address (").append(DsrSessions.SERVING4).append('/')
                    .append(DsrSessions.SERVING6).append(")\n");
        }
        String serving = " (" + StatelessDnatSessions.SERVING4 + '/' + StatelessDnatSessions.SERVING6 + ")\n";
        if (!dsr && !(f.staticSessions().isEmpty() && f.portSessions().isEmpty())) {
            b.append("  static sessions: ").append(f.staticSessions().size() + f.portSessions().size())
                    .append(" client(s) pinned in ").append(StatelessDnatSessions.STATIC4_PORT).append('/')
                    .append(StatelessDnatSessions.STATIC6_PORT).append(" (by port) and ")
                    .append(StatelessDnatSessions.STATIC4).append('/').append(StatelessDnatSessions.STATIC6)
                    .append(", used while their backend serves").append(serving);
        }
        if (!dsr && f.persistence().isPresent()) {
            var p = f.persistence().get();
            b.append("  persistence: by ").append(p.key().toString().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .append(", the backend's address remembered ").append(p.ttl()).append(" after the client's last packet in ")
                    .append(StatelessDnatSessions.map(p.key(), false)).append('/')
                    .append(StatelessDnatSessions.map(p.key(), true)).append(", used while it serves").append(serving);
        }
        if (dsr) {
            b.append("  forwarding: ether daddr set to the backend's MAC, ether saddr ").append(path.outMac())
                    .append(", fwd to ").append(path.outDevice())
                    .append("; backends hold the VIP on loopback and answer clients directly\n");
        } else {
            b.append("  forwarding: ip daddr set to the backend, ether daddr its MAC, fwd to ").append(path.outDevice())
                    .append("; the client's MAC is learnt in sdnat-clients4/6\n");
            b.append("  replies: chain ").append(PolicyCompiler.chain(path.outDevice())).append(" finds them in ")
                    .append(StatelessDnatRules.replyMap(path.outDevice(), false)).append(", ")
                    .append(StatelessDnatRules.replyMap(path.outDevice(), true)).append("; chain ")
                    .append(StatelessDnatRules.replyChain(f.name())).append(" sets the VIP back as source and fwds to ")
                    .append(path.inDevice()).append('\n');
        }
        return b.toString();
    }

    /**
     * Elements shared by farms (a backend in two farms) appear once; one key with two values
     * (a backend service claimed by two stateless farms, a backend with two MACs) is an error.
     */
    private static List<Element> distinct(String set, List<Element> elements) {
        Map<Expr, Element> byKey = new LinkedHashMap<>();
        for (Element e : elements) {
            Element before = byKey.putIfAbsent(e.key(), e);
            if (before != null && !before.equals(e)) {
                String key = io.nftlb.core.render.NftText.render(Rule.of(Stmt.Match.eq(e.key(), set(set))))
                        .replace(" @" + set, "");
                throw new InvalidFarmException("set " + set + ": key " + key + " is claimed twice, with different values");
            }
        }
        return List.copyOf(byKey.values());
    }

    private static void dispatch(Farm f, DsrPath path, String chain, Map<String, List<Element>> out) {
        List<PortRange> ports = f.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : f.ports();
        List<Protocol> protocols = f.protocol() == Protocol.ALL
                ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP) : List.of(f.protocol());
        Expr target = new Expr.VerdictValue(Verdict.goTo(chain));
        for (InetAddress vip : f.addresses()) {
            boolean v6 = vip instanceof Inet6Address;
            for (Protocol p : protocols) {
                for (PortRange r : ports) {
                    Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                    out.computeIfAbsent(dispatchMap(path.inDevice(), v6), k -> new ArrayList<>())
                            .add(Element.of(concat(proto(p.number()), addr(vip), portKey), target));
                }
            }
        }
    }

    /** The farm's slice of the slot map: serving backends of the best tier, by weight. */
    private static List<Element> slots(Farm f, DsrPath path, int base) {
        List<Backend> tier = tier(f, null);
        List<Integer> weights = tier.stream().map(b -> weight(f, b)).toList();
        if (tier.isEmpty() || weights.stream().allMatch(w -> w == 0)) {
            return List.of();
        }
        List<Element> out = new ArrayList<>();
        for (Slots.Run run : Slots.partition(weights, SLOTS)) {
            Expr key = run.first() == run.last() ? numgenSlot(base + run.first())
                    : new Expr.Range(numgenSlot(base + run.first()), numgenSlot(base + run.last()));
            out.add(Element.of(key, new Expr.Ether(mac(f, path, tier.get(run.index())))));
        }
        return out;
    }

    /** The serving backends of the best priority tier (of one IP version, unless {@code v6} is null). */
    static List<Backend> tier(Farm f, Boolean v6) {
        List<Backend> serving = f.backends().stream().filter(Backend::serving)
                .filter(b -> v6 == null || (b.address() instanceof Inet6Address) == v6).toList();
        int best = serving.stream().mapToInt(Backend::priority).min().orElse(0);
        return serving.stream().filter(b -> b.priority() == best).toList();
    }

    /** A backend's share: its weight, or 1 each for round robin (approximated by hashing at ingress). */
    static int weight(Farm f, Backend b) {
        return f.scheduler() instanceof Scheduler.RoundRobin ? 1 : b.weight();
    }

    /** A backend's MAC from the farm's path, or a clear error. */
    static String mac(Farm f, DsrPath path, Backend b) {
        String mac = path.backendMacs().get(b.name());
        if (mac == null) {
            throw new InvalidFarmException("farm \"" + f.name() + "\": backend \"" + b.name()
                    + "\" has no MAC in its DSR path");
        }
        return mac;
    }

    private static List<Rule> farmRules(Farm f, DsrPath path, int base) {
        if (f.scheduler() instanceof Scheduler.Maglev) {
            throw new UnsupportedFeatureException("farm \"" + f.name() + "\": Maglev scheduling is not available with DSR");
        }
        List<Boolean> families = List.of(false, true).stream()
                .filter(v6 -> f.addresses().stream().anyMatch(a -> (a instanceof Inet6Address) == v6)).toList();
        // Its log first, for every packet (there are no connections at ingress), as nftlb logs
        // them; then pinned and remembered clients of both IP versions: a symhash rule matches either.
        List<Rule> rules = new ArrayList<>();
        f.inspection().log().ifPresent(log -> rules.add(LimitsCompiler.logged(List.of(), log, log.prefix())));
        families.forEach(v6 -> rules.addAll(DsrSessions.lookup(f, path, v6)));
        for (boolean v6 : families) {
            Expr hash = selector(f, v6, base);
            List<Stmt> schedule = new ArrayList<>(List.of(new Stmt.PayloadSet(PayloadField.ETHER_DADDR,
                    new Expr.MapLookup(hash, set(DSR_ETHER), DataType.ETHER_ADDR))));
            if (f.persistence().isPresent()) {
                schedule.add(DsrSessions.record(f, v6));
            }
            schedule.add(new Stmt.PayloadSet(PayloadField.ETHER_SADDR, new Expr.Ether(path.outMac())));
            schedule.add(new Stmt.Fwd(path.outDevice(), Optional.empty()));
            rules.add(new Rule(schedule, Optional.empty()));
            if (f.scheduler() instanceof Scheduler.SymmetricHash && f.persistence().isEmpty()
                    && f.staticSessions().isEmpty() && f.portSessions().isEmpty()) {
                break; // symhash reads the packet itself: one rule serves both IP versions
            }
        }
        return rules;
    }

    /**
     * The slot of a packet of a farm at ingress. Without conntrack there is no per-connection
     * state: round robin and weighted hash the client's address and port (stable for a
     * connection), a hash farm hashes its fields, a symhash farm both directions alike.
     */
    static Expr selector(Farm f, boolean v6, int base) {
        return switch (f.scheduler()) {
            case Scheduler.SymmetricHash s -> new Expr.Symhash(SLOTS, base);
            case Scheduler.Hash h -> new Expr.Jhash(FarmCompiler.hashInput(h.fields(), v6), SLOTS, h.seed(), base);
            default -> new Expr.Jhash(concat(saddr(v6), TH_SPORT), SLOTS, 0, base);
        };
    }

    private static Expr service(boolean v6) {
        return concat(L4PROTO, daddr(v6), TH_DPORT);
    }
}
