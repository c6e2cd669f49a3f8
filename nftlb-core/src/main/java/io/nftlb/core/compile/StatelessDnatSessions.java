package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.addr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.port;
import static io.nftlb.core.compile.Nodes.proto;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Backend;
import io.nftlb.core.ClientPort;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.internal.compile.Layout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Static sessions and persistence of stateless dNAT farms, at netdev ingress where there is no
 * conntrack, as {@link DsrSessions} does them for DSR, with a backend's address where DSR has its
 * MAC: maps keyed as the inet table's are ({@code ip saddr . ip daddr . th dport}), shared by all
 * stateless dNAT farms.
 *
 * <ul>
 *   <li>Static sessions: {@code sdnat-static4/6} (client address) and {@code sdnat-static4p/6p}
 *       (client address and port), interval maps (a farm's port ranges) to the backend's address.</li>
 *   <li>Persistence: a dynamic map per key, {@code sdnat-persist4-saddr} for the source address,
 *       refreshed by every packet (there is no "new connection" here).</li>
 * </ul>
 *
 * <p>A looked-up backend is written into {@code ip daddr} at once (the only place a rule can keep
 * it), and used only while it serves: {@code meta l4proto . ip daddr . th dport @sdnat-serving4},
 * the farms' serving backend services (each belongs to one farm, as replies need), elements that
 * follow backend states. When it does not serve, the next rule writes the farm's one virtual
 * address back, so the next lookup's key is the client's again. For the same reason a client is
 * remembered with the virtual address as a constant in its key, after {@code ip daddr} was
 * rewritten. A remembered backend that no longer serves is deleted, and the client scheduled and
 * remembered anew.
 */
final class StatelessDnatSessions {

    static final String SERVING4 = "sdnat-serving4", SERVING6 = "sdnat-serving6";
    static final String STATIC4 = "sdnat-static4", STATIC6 = "sdnat-static6";
    static final String STATIC4_PORT = "sdnat-static4p", STATIC6_PORT = "sdnat-static6p";

    private StatelessDnatSessions() {}

    private static final IngressSessionMaps MAPS = new IngressSessionMaps(v6 -> v6 ? STATIC6 : STATIC4,
            v6 -> v6 ? STATIC6_PORT : STATIC4_PORT, StatelessDnatSessions::map, v6 -> v6 ? SERVING6 : SERVING4,
            Nodes::daddr, StatelessDnatSessions::servingKey, Set.of(SetFlag.INTERVAL));

    /** The persistence map of a key and IP version, e.g. {@code sdnat-persist4-saddr}. */
    static String map(Persistence.Key key, boolean v6) {
        return Layout.statelessDnatPersistence(key, v6);
    }


    /** The maps and serving sets the stateless dNAT farms' sessions need (none without any). */
    static List<NamedSet> declarations(List<Farm> farms) {
        return MAPS.declarations(farms);
    }

    /** A farm's pinned clients and, if it has sessions, its serving backend services. */
    static void elements(Farm f, Map<String, List<Element>> out) {
        if (!IngressSessionMaps.sticky(f)) {
            return;
        }
        List<PortRange> ports = f.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : f.ports();
        List<Protocol> protocols = f.protocol() == Protocol.ALL
                ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP) : List.of(f.protocol());
        for (InetAddress vip : f.addresses()) {
            boolean v6 = vip instanceof Inet6Address;
            for (Backend b : IngressCompiler.tier(f, v6)) {
                for (Protocol p : protocols) {
                    for (PortRange r : ports) {
                        out.computeIfAbsent(v6 ? SERVING6 : SERVING4, k -> new ArrayList<>())
                                .add(Element.of(concat(proto(p.number()), addr(b.address()), portKey(r))));
                    }
                }
            }
            for (Map.Entry<InetAddress, String> s : f.staticSessions().entrySet()) {
                if ((s.getKey() instanceof Inet6Address) != v6) {
                    continue;
                }
                Backend b = f.backend(s.getValue()).orElseThrow();
                for (PortRange r : ports) {
                    out.computeIfAbsent(v6 ? STATIC6 : STATIC4, k -> new ArrayList<>()).add(Element.of(
                            concat(addr(s.getKey()), addr(vip), portKey(r)), addr(b.address())));
                }
            }
            for (Map.Entry<ClientPort, String> s : f.portSessions().entrySet()) {
                if ((s.getKey().address() instanceof Inet6Address) != v6) {
                    continue;
                }
                Backend b = f.backend(s.getValue()).orElseThrow();
                for (PortRange r : ports) {
                    out.computeIfAbsent(v6 ? STATIC6_PORT : STATIC4_PORT, k -> new ArrayList<>()).add(Element.of(
                            concat(addr(s.getKey().address()), port(s.getKey().port()), addr(vip), portKey(r)),
                            addr(b.address())));
                }
            }
        }
    }

    /**
     * The rules before scheduling, for one IP version: the backend pinned to the client's port,
     * then to its address, then the remembered one, each if it serves. A lookup that misses ends
     * its rule; one whose backend does not serve is undone by the rule after it.
     *
     * @param forward what sends the packet on once {@code ip daddr} is its backend (learning the
     *     client's MAC, the backend's MAC, forwarding)
     */
    static List<Rule> lookup(Farm f, boolean v6, List<Stmt> forward) {
        List<Rule> rules = new ArrayList<>();
        Expr vip = addr(f.addresses().stream().filter(a -> (a instanceof Inet6Address) == v6).findFirst().orElseThrow());
        PayloadField daddr = v6 ? PayloadField.IP6_DADDR : PayloadField.IP_DADDR;
        Stmt serving = Stmt.Match.eq(servingKey(v6), set(v6 ? SERVING6 : SERVING4));
        Stmt restore = new Stmt.PayloadSet(daddr, vip);
        if (!f.portSessions().isEmpty()) {
            // First: a pinned port of a client wins over its pinned address.
            rules.add(Rule.of(new Stmt.PayloadSet(daddr, new Expr.MapLookup(FarmCompiler.staticPortKey(v6),
                    set(v6 ? STATIC6_PORT : STATIC4_PORT), daddr.type()))));
            rules.add(rule(serving, forward));
            rules.add(Rule.of(restore));
        }
        if (!f.staticSessions().isEmpty()) {
            rules.add(Rule.of(new Stmt.PayloadSet(daddr, new Expr.MapLookup(FarmCompiler.staticKey(v6),
                    set(v6 ? STATIC6 : STATIC4), daddr.type()))));
            rules.add(rule(serving, forward));
            rules.add(Rule.of(restore));
        }
        if (f.persistence().isPresent()) {
            Persistence p = f.persistence().get();
            String map = map(p.key(), v6);
            Expr key = FarmCompiler.persistenceKey(p.key(), v6);
            rules.add(Rule.of(new Stmt.PayloadSet(daddr, new Expr.MapLookup(key, set(map), daddr.type()))));
            List<Stmt> refresh = new ArrayList<>(List.of(serving, record(f, v6)));
            refresh.addAll(forward);
            rules.add(new Rule(refresh, Optional.empty()));
            rules.add(Rule.of(restore));
            // Here the client is not remembered, or on a backend that no longer serves: forget
            // that one, as an update would only refresh it and keep its old backend. (The kernel
            // wants a data register for any operation on a map, even a delete, which ignores it.)
            rules.add(Rule.of(new Stmt.SetUpdate(Stmt.SetOp.DELETE, map, key, Optional.of(daddr(v6)),
                    Optional.empty(), Optional.empty())));
        }
        return rules;
    }

    /**
     * Remembers (or refreshes) the backend the packet goes to, once {@code ip daddr} is that
     * backend: the key has the farm's virtual address where the packet had it.
     */
    static Stmt record(Farm f, boolean v6) {
        Persistence p = f.persistence().orElseThrow();
        Expr vip = addr(f.addresses().stream().filter(a -> (a instanceof Inet6Address) == v6).findFirst().orElseThrow());
        Expr key = FarmCompiler.persistenceKey(p.key(), v6);
        Expr withVip = key instanceof Expr.Concat c
                ? new Expr.Concat(c.parts().stream().map(x -> x.equals(daddr(v6)) ? vip : x).toList())
                : key;
        return new Stmt.SetUpdate(Stmt.SetOp.UPDATE, map(p.key(), v6), withVip, Optional.of(daddr(v6)),
                Optional.of(p.ttl()), Optional.empty());
    }

    private static Rule rule(Stmt first, List<Stmt> rest) {
        List<Stmt> stmts = new ArrayList<>(List.of(first));
        stmts.addAll(rest);
        return new Rule(stmts, Optional.empty());
    }

    private static Expr portKey(PortRange r) {
        return r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
    }

    private static Expr servingKey(boolean v6) {
        return concat(L4PROTO, daddr(v6), TH_DPORT);
    }
}
