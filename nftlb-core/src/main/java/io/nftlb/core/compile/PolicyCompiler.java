package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.addr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.port;
import static io.nftlb.core.compile.Nodes.proto;
import static io.nftlb.core.compile.Nodes.saddr;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.Limits;
import io.nftlb.core.Network;
import io.nftlb.core.Policy;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Verdict;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles {@link Policy policies} into the library's netdev table ({@link #TABLE}), whose
 * chains sit on device ingress hooks (priority {@value #PRIORITY}), before conntrack:
 *
 * <pre>
 * table netdev nftlb {
 *   set policy4-bad { type ipv4_addr; flags interval; elements = { 192.0.2.7, 198.51.100.0/24 } }
 *   set policy4-bad-farms { typeof meta l4proto . ip daddr . th dport; flags interval; elements = { tcp . 10.0.0.40 . 80 } }
 *   ... and the same with 6 for IPv6
 *   chain ingress-eth0 { type filter hook ingress device "eth0" priority 100; policy accept;
 *     meta l4proto . ip daddr . th dport @policy4-bad-farms ip saddr @policy4-bad drop      (blacklist)
 *     meta l4proto . ip daddr . th dport @policy4-ok-farms ip saddr != @policy4-ok drop     (whitelist)
 *     ... ip saddr @policy4-logged log prefix "logged " drop                (logged)
 *     ... ip saddr @policy4-capped limit rate 10/second log prefix "capped "  (logged at a rate,
 *     ... ip saddr @policy4-capped drop                                       in two rules)
 *   }
 * }
 * </pre>
 *
 * One rule per policy and IP version (two with a rate-limited log), two lookups per rule: the
 * cost per packet does not grow with the number of networks (an interval set lookup) nor of
 * farms. A policy's members and the farms it applies to are set elements, so adding or
 * removing a network, or a farm coming or going, is an element-only change; rules change only
 * when a policy comes or goes or its log changes.
 */
public final class PolicyCompiler {

    /** The library's netdev table. */
    public static final TableRef TABLE = new TableRef(io.nftlb.core.ast.Family.NETDEV, "nftlb");

    /** Priority of the ingress chains (the data-path layout's). */
    public static final int PRIORITY = 100;

    private PolicyCompiler() {}

    /** The set of a policy's networks of one IP version, e.g. {@code policy4-bad}. */
    public static String membersSet(String policy, boolean ipv6) {
        return "policy" + (ipv6 ? "6-" : "4-") + policy;
    }

    /** The set of the farm services (protocol . address . port) a policy applies to. */
    public static String farmsSet(String policy, boolean ipv6) {
        return membersSet(policy, ipv6) + "-farms";
    }

    /** The ingress chain of a device. */
    public static String chain(String device) {
        return "ingress-" + device;
    }

    /**
     * The netdev table for these policies, applied to these farms.
     *
     * @throws InvalidFarmException if two policies share a name
     */
    public static Table compile(List<Policy> policies, List<Farm> farms) {
        List<NamedSet> sets = new ArrayList<>();
        Map<String, List<Rule>> chains = new TreeMap<>();
        Set<String> names = new HashSet<>();
        for (Policy p : policies) {
            if (!names.add(p.name())) {
                throw new InvalidFarmException("policy \"" + p.name() + "\": name is used twice");
            }
            for (boolean v6 : List.of(false, true)) {
                sets.add(NamedSet.set(membersSet(p.name(), v6), saddr(v6), Set.of(SetFlag.INTERVAL))
                        .withElements(members(p, v6)));
                sets.add(NamedSet.set(farmsSet(p.name(), v6), service(v6), Set.of(SetFlag.INTERVAL))
                        .withElements(services(p, farms, v6)));
                chains.computeIfAbsent(p.device(), d -> new ArrayList<>()).addAll(rules(p, v6));
            }
        }
        List<Chain> list = new ArrayList<>();
        chains.forEach((device, rules) -> list.add(
                Chain.base(chain(device), Chain.Hook.ingress(device, PRIORITY), rules)));
        return Table.of(TABLE.family(), TABLE.name(), sets, list);
    }

    /** The elements of a policy's members set: one per network of that IP version. */
    public static List<Element> members(Policy policy, boolean ipv6) {
        return members(policy.networks(), ipv6);
    }

    /** The elements for these networks of one IP version. */
    public static List<Element> members(List<Network> networks, boolean ipv6) {
        List<Element> out = new ArrayList<>();
        for (Network n : networks) {
            if (n.ipv6() == ipv6) {
                out.add(Element.of(element(n)));
            }
        }
        return out;
    }

    /** The elements of a policy's farms set: every service of every farm it applies to. */
    public static List<Element> services(Policy policy, List<Farm> farms, boolean ipv6) {
        Map<Expr, Element> out = new LinkedHashMap<>();
        for (Farm f : farms) {
            if (!policy.appliesTo(f.name())) {
                continue;
            }
            List<PortRange> ports = f.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : f.ports();
            List<Protocol> protocols = f.protocol() == Protocol.ALL
                    ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP) : List.of(f.protocol());
            for (InetAddress vip : f.addresses()) {
                if ((vip instanceof Inet6Address) != ipv6) {
                    continue;
                }
                for (Protocol p : protocols) {
                    for (PortRange r : ports) {
                        Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                        Expr key = concat(proto(p.number()), addr(vip), portKey);
                        out.putIfAbsent(key, Element.of(key));
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }

    /** For people: what the data path does with a policy. */
    public static String explain(Policy p, List<Farm> farms) {
        long v4 = p.networks().stream().filter(n -> !n.ipv6()).count();
        long v6 = p.networks().size() - v4;
        List<String> applied = farms.stream().map(Farm::name).filter(p::appliesTo).toList();
        return "policy \"" + p.name() + "\": " + p.kind().keyword() + " of " + v4 + " IPv4 and " + v6
                + " IPv6 network(s)\n"
                + "  where: ingress of device " + p.device() + " (chain " + chain(p.device()) + " of table "
                + TABLE + ", priority " + PRIORITY + ", before conntrack)\n"
                + "  applies to: " + p.farm().map(f -> "farm \"" + f + "\"").orElse("all farms")
                + " (" + (applied.isEmpty() ? "no such farm yet" : String.join(", ", applied)) + "), found by "
                + "l4proto . daddr . dport in sets " + farmsSet(p.name(), false) + ", " + farmsSet(p.name(), true) + "\n"
                + "  members: sets " + membersSet(p.name(), false) + ", " + membersSet(p.name(), true)
                + " (interval sets: changing members changes elements only)\n"
                + "  effect: " + (p.kind() == Policy.Kind.BLACKLIST
                        ? "packets from members to those farms are dropped"
                        : "packets to those farms from anyone but members are dropped") + "\n"
                + p.log().map(g -> "  log: dropped packets logged as \"" + g.prefix() + "\" " + g.rateText() + "\n")
                        .orElse("");
    }

    /**
     * The rules of a policy for one IP version: the drop, and its log. An unlimited log is one
     * rule ({@code ... log prefix "P" drop}); a rate-limited one is a rule of its own before the
     * drop, since {@code limit} is a match that would otherwise stop the drop too once the rate
     * is spent.
     */
    private static List<Rule> rules(Policy p, boolean v6) {
        Stmt.Match farm = Stmt.Match.eq(service(v6), set(farmsSet(p.name(), v6)));
        Expr members = set(membersSet(p.name(), v6));
        Stmt.Match client = p.kind() == Policy.Kind.BLACKLIST
                ? Stmt.Match.eq(saddr(v6), members)
                : new Stmt.Match(saddr(v6), Stmt.Op.NE, members);
        Stmt drop = new Stmt.VerdictStmt(Verdict.DROP);
        if (p.log().isEmpty()) {
            return List.of(Rule.of(farm, client, drop));
        }
        Limits.Log log = p.log().get();
        Rule logged = LimitsCompiler.logged(List.of(farm, client), log, log.prefix());
        if (log.rate().isEmpty()) {
            List<Stmt> logThenDrop = new ArrayList<>(logged.statements());
            logThenDrop.add(drop);
            return List.of(new Rule(logThenDrop, Optional.empty()));
        }
        return List.of(logged, Rule.of(farm, client, drop));
    }

    private static Expr service(boolean v6) {
        return concat(L4PROTO, daddr(v6), TH_DPORT);
    }

    private static Expr element(Network n) {
        if (n.first().equals(n.last())) {
            return addr(n.first());
        }
        if (n.prefixLength() >= 0) {
            return new Expr.Prefix(addr(n.first()), n.prefixLength());
        }
        return new Expr.Range(addr(n.first()), addr(n.last()));
    }
}
