package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.TH_SPORT;
import static io.nftlb.core.compile.Nodes.addr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.port;
import static io.nftlb.core.compile.Nodes.proto;
import static io.nftlb.core.compile.Nodes.saddr;
import static io.nftlb.core.compile.Nodes.set;
import static io.nftlb.core.compile.Nodes.numgenSlot;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Stateless dNAT at ingress, both ways, with no conntrack (the packets are forwarded from the
 * ingress hook and never reach the IP stack of the balancer):
 *
 * <pre>
 * chain sdnat-web {       (reached from the in device's dispatch map)
 *   update @sdnat-clients4 { ip saddr : ether saddr } ip daddr set jhash ip saddr . th sport mod 10000 seed 0x0 offset B map @sdnat4
 *       ether daddr set ip daddr map @sdnat-ether4 ether saddr set OUT_MAC fwd to "OUT"
 * }
 * chain ingress-OUT { meta l4proto . ip saddr . th sport vmap @sdnat-back4-OUT }   backend service : goto sdnat-back-web
 * chain sdnat-back-web {
 *   ip saddr set VIP ether daddr set ip daddr map @sdnat-clients4 ether saddr set IN_MAC fwd to "IN"
 * }
 * </pre>
 *
 * The client's MAC (or its router's) is learnt from its packets into a dynamic map, so replies
 * can be addressed at layer 2. Backends keep the client's port (no port mapping), and each
 * backend service (protocol, address, port) belongs to one farm, so a reply names its farm.
 */
final class StatelessDnatRules {

    static final String CLIENTS4 = "sdnat-clients4", CLIENTS6 = "sdnat-clients6";
    static final String ADDR4 = "sdnat4", ADDR6 = "sdnat6";
    static final String ETHER4 = "sdnat-ether4", ETHER6 = "sdnat-ether6";

    /** How long a client's MAC is remembered after its last packet. */
    static final Duration CLIENT_TTL = Duration.ofMinutes(10);
    /** Clients remembered at once. */
    static final int CLIENTS_SIZE = 262_144;

    private StatelessDnatRules() {}

    static String replyMap(String device, boolean v6) {
        return "sdnat-back" + (v6 ? "6-" : "4-") + device;
    }

    static String farmChain(String farm) {
        return "sdnat-" + farm;
    }

    static String replyChain(String farm) {
        return "sdnat-back-" + farm;
    }

    /** The maps every ruleset with a stateless dNAT farm has. */
    static List<NamedSet> declarations() {
        Set<SetFlag> learnt = Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT);
        Expr slotKey = new Expr.Numgen(Expr.NumgenType.RANDOM, IngressCompiler.SLOTS, 0);
        Expr ether = new Expr.Payload(PayloadField.ETHER_SADDR);
        return List.of(
                NamedSet.map(ADDR4, slotKey, Nodes.daddr(false), Set.of(SetFlag.INTERVAL)),
                NamedSet.map(ADDR6, slotKey, Nodes.daddr(true), Set.of(SetFlag.INTERVAL)),
                NamedSet.map(ETHER4, Nodes.daddr(false), Nodes.ETHER_DADDR, Set.of()),
                NamedSet.map(ETHER6, Nodes.daddr(true), Nodes.ETHER_DADDR, Set.of()),
                NamedSet.map(CLIENTS4, saddr(false), ether, learnt).withSize(CLIENTS_SIZE),
                NamedSet.map(CLIENTS6, saddr(true), ether, learnt).withSize(CLIENTS_SIZE));
    }

    /** Checks what stateless dNAT cannot do, naming the farm. */
    static void check(Farm f) {
        for (boolean v6 : List.of(false, true)) {
            long vips = f.addresses().stream().filter(a -> (a instanceof Inet6Address) == v6).count();
            if (vips > 1) {
                throw new UnsupportedFeatureException("farm \"" + f.name() + "\": stateless dNAT needs one virtual "
                        + "address per IP version (replies are rewritten back to it), not " + vips);
            }
        }
        for (Backend b : f.backends()) {
            if (b.port().isPresent()) {
                throw new UnsupportedFeatureException("farm \"" + f.name() + "\": backend \"" + b.name()
                        + "\": stateless dNAT keeps the client's port; port " + b.port().getAsInt() + " cannot be mapped");
            }
        }
    }

    /**
     * Forward rules: the pinned and remembered clients' first (see {@link StatelessDnatSessions}),
     * then one scheduling rule per IP version the farm serves.
     */
    static List<Rule> forward(Farm f, DsrPath path, int base) {
        List<Rule> rules = new ArrayList<>();
        for (boolean v6 : families(f)) {
            rules.addAll(StatelessDnatSessions.lookup(f, v6, sendOn(path, v6)));
        }
        for (boolean v6 : families(f)) {
            Expr hash = IngressCompiler.selector(f, v6, base);
            PayloadField daddr = v6 ? PayloadField.IP6_DADDR : PayloadField.IP_DADDR;
            List<Stmt> send = sendOn(path, v6);
            List<Stmt> stmts = new ArrayList<>(List.of(send.get(0),
                    new Stmt.PayloadSet(daddr, new Expr.MapLookup(hash, set(v6 ? ADDR6 : ADDR4), daddr.type()))));
            if (f.persistence().isPresent()) {
                stmts.add(StatelessDnatSessions.record(f, v6));
            }
            stmts.addAll(send.subList(1, send.size()));
            rules.add(new Rule(stmts, Optional.empty()));
        }
        return rules;
    }

    /**
     * What sends a packet on once {@code ip daddr} is its backend: its client's MAC learnt (the
     * first statement), the backend's MAC from its address, out by the out device.
     */
    private static List<Stmt> sendOn(DsrPath path, boolean v6) {
        return List.of(
                new Stmt.SetUpdate(Stmt.SetOp.UPDATE, v6 ? CLIENTS6 : CLIENTS4, saddr(v6),
                        Optional.of(new Expr.Payload(PayloadField.ETHER_SADDR)), Optional.of(CLIENT_TTL)),
                new Stmt.PayloadSet(PayloadField.ETHER_DADDR, new Expr.MapLookup(Nodes.daddr(v6),
                        set(v6 ? ETHER6 : ETHER4), DataType.ETHER_ADDR)),
                new Stmt.PayloadSet(PayloadField.ETHER_SADDR, new Expr.Ether(path.outMac())),
                new Stmt.Fwd(path.outDevice(), Optional.empty()));
    }

    /** Reply rules: the source goes back to the VIP, the frame to the client's MAC, out by the in device. */
    static List<Rule> reply(Farm f, DsrPath path) {
        if (path.inMac().equals(DsrPath.UNKNOWN_MAC)) {
            throw new InvalidFarmException("farm \"" + f.name() + "\": stateless dNAT needs the in device's MAC"
                    + " (DsrPath.in(device, mac))");
        }
        List<Rule> rules = new ArrayList<>();
        for (boolean v6 : families(f)) {
            InetAddress vip = f.addresses().stream().filter(a -> (a instanceof Inet6Address) == v6).findFirst()
                    .orElseThrow();
            rules.add(Rule.of(
                    new Stmt.PayloadSet(v6 ? PayloadField.IP6_SADDR : PayloadField.IP_SADDR, addr(vip)),
                    new Stmt.PayloadSet(PayloadField.ETHER_DADDR, new Expr.MapLookup(Nodes.daddr(v6),
                            set(v6 ? CLIENTS6 : CLIENTS4), DataType.ETHER_ADDR)),
                    new Stmt.PayloadSet(PayloadField.ETHER_SADDR, new Expr.Ether(path.inMac())),
                    new Stmt.Fwd(path.inDevice(), Optional.empty())));
        }
        return rules;
    }

    /** The elements of the slot, MAC and reply maps for one farm. */
    static void elements(Farm f, DsrPath path, int base, Map<String, List<Element>> out) {
        for (boolean v6 : families(f)) {
            List<Backend> tier = IngressCompiler.tier(f, v6);
            List<Integer> weights = tier.stream().map(b -> IngressCompiler.weight(f, b)).toList();
            if (!tier.isEmpty() && weights.stream().anyMatch(w -> w > 0)) {
                for (Slots.Run run : Slots.partition(weights, IngressCompiler.SLOTS)) {
                    Expr key = run.first() == run.last() ? numgenSlot(base + run.first())
                            : new Expr.Range(numgenSlot(base + run.first()), numgenSlot(base + run.last()));
                    out.computeIfAbsent(v6 ? ADDR6 : ADDR4, k -> new ArrayList<>())
                            .add(Element.of(key, addr(tier.get(run.index()).address())));
                }
            }
            List<PortRange> ports = f.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : f.ports();
            List<Protocol> protocols = f.protocol() == Protocol.ALL
                    ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP) : List.of(f.protocol());
            Expr back = new Expr.VerdictValue(Verdict.goTo(replyChain(f.name())));
            for (Backend b : f.backends()) {
                if ((b.address() instanceof Inet6Address) != v6) {
                    continue;
                }
                out.computeIfAbsent(v6 ? ETHER6 : ETHER4, k -> new ArrayList<>())
                        .add(Element.of(addr(b.address()), new Expr.Ether(IngressCompiler.mac(f, path, b))));
                for (Protocol p : protocols) {
                    for (PortRange r : ports) {
                        Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                        out.computeIfAbsent(replyMap(path.outDevice(), v6), k -> new ArrayList<>())
                                .add(Element.of(concat(proto(p.number()), addr(b.address()), portKey), back));
                    }
                }
            }
        }
    }

    /** The reply dispatch rule of an out device. */
    static Rule replyDispatch(String device, boolean v6) {
        Expr key = concat(L4PROTO, saddr(v6), TH_SPORT);
        return Rule.of(new Stmt.VerdictMap(key, set(replyMap(device, v6))));
    }

    static NamedSet replyMapDeclaration(String device, boolean v6) {
        return NamedSet.verdictMap(replyMap(device, v6), concat(L4PROTO, saddr(v6), TH_SPORT), Set.of(SetFlag.INTERVAL));
    }

    private static List<Boolean> families(Farm f) {
        return List.of(false, true).stream()
                .filter(v6 -> f.addresses().stream().anyMatch(a -> (a instanceof Inet6Address) == v6)).toList();
    }
}
