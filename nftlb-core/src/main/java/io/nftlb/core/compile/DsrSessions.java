package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.ETHER_DADDR;
import static io.nftlb.core.compile.Nodes.addr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.port;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Backend;
import io.nftlb.core.ClientPort;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.PortRange;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
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
 * Static sessions and persistence of DSR farms, at netdev ingress where there is no conntrack:
 * a client's backend is its MAC, taken from maps keyed as the inet table's are
 * ({@code ip saddr . ip daddr . th dport}), shared by all DSR farms, as nftlb does it.
 *
 * <ul>
 *   <li>Static sessions: {@code dsr-static4/6}, an interval map (a farm's port ranges) filled
 *       from the farms' pinned clients.</li>
 *   <li>Persistence: a dynamic map per key, {@code dsr-persist4-saddr} for the source address,
 *       refreshed by every packet (there is no "new connection" here).</li>
 * </ul>
 *
 * <p>Either MAC is used only while it is a serving backend of the client's virtual address:
 * {@code ip daddr . ether daddr @dsr-serving4}, elements that follow backend states, so a
 * backend going down is an element change (a backend in two farms of one virtual address counts
 * as serving while it serves in either). A remembered MAC that no longer serves is deleted, and
 * the client scheduled and remembered anew.
 */
final class DsrSessions {

    static final String SERVING4 = "dsr-serving4", SERVING6 = "dsr-serving6";
    static final String STATIC4 = "dsr-static4", STATIC6 = "dsr-static6";
    static final String STATIC4_PORT = "dsr-static4p", STATIC6_PORT = "dsr-static6p";

    private DsrSessions() {}

    private static final IngressSessionMaps MAPS = new IngressSessionMaps(v6 -> v6 ? STATIC6 : STATIC4,
            v6 -> v6 ? STATIC6_PORT : STATIC4_PORT, DsrSessions::map, v6 -> v6 ? SERVING6 : SERVING4,
            v6 -> ETHER_DADDR, DsrSessions::servingKey, Set.of());

    /** The persistence map of a key and IP version, e.g. {@code dsr-persist4-saddr}. */
    static String map(Persistence.Key key, boolean v6) {
        return Layout.dsrPersistence(key, v6);
    }


    /** The maps and serving sets the DSR farms' sessions need (none without any). */
    static List<NamedSet> declarations(List<Farm> dsrFarms) {
        return MAPS.declarations(dsrFarms);
    }

    /** A DSR farm's pinned clients and, if it has sessions, its serving backends as virtual address . MAC. */
    static void elements(Farm f, DsrPath path, Map<String, List<Element>> out) {
        if (!IngressSessionMaps.sticky(f)) {
            return;
        }
        List<PortRange> ports = f.ports().isEmpty() ? List.of(new PortRange(1, 65535)) : f.ports();
        for (InetAddress vip : f.addresses()) {
            boolean v6 = vip instanceof Inet6Address;
            for (Backend b : IngressCompiler.tier(f, null)) {
                out.computeIfAbsent(v6 ? SERVING6 : SERVING4, k -> new ArrayList<>()).add(Element.of(
                        concat(addr(vip), new Expr.Ether(IngressCompiler.mac(f, path, b)))));
            }
            for (Map.Entry<InetAddress, String> s : f.staticSessions().entrySet()) {
                if ((s.getKey() instanceof Inet6Address) != v6) {
                    continue;
                }
                Backend b = f.backend(s.getValue()).orElseThrow();
                for (PortRange r : ports) {
                    Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                    out.computeIfAbsent(v6 ? STATIC6 : STATIC4, k -> new ArrayList<>()).add(Element.of(
                            concat(addr(s.getKey()), addr(vip), portKey), new Expr.Ether(IngressCompiler.mac(f, path, b))));
                }
            }
            for (Map.Entry<ClientPort, String> s : f.portSessions().entrySet()) {
                if ((s.getKey().address() instanceof Inet6Address) != v6) {
                    continue;
                }
                Backend b = f.backend(s.getValue()).orElseThrow();
                for (PortRange r : ports) {
                    Expr portKey = r.single() ? port(r.from()) : new Expr.Range(port(r.from()), port(r.to()));
                    out.computeIfAbsent(v6 ? STATIC6_PORT : STATIC4_PORT, k -> new ArrayList<>()).add(Element.of(
                            concat(addr(s.getKey().address()), port(s.getKey().port()), addr(vip), portKey),
                            new Expr.Ether(IngressCompiler.mac(f, path, b))));
                }
            }
        }
    }

    /**
     * The rules before scheduling, for one IP version: the pinned backend if it serves, then the
     * remembered one if it serves (refreshed). A lookup that misses ends its rule, so a client
     * neither pinned nor remembered, or whose backend no longer serves, goes on to scheduling.
     */
    static List<Rule> lookup(Farm f, DsrPath path, boolean v6) {
        List<Rule> rules = new ArrayList<>();
        Stmt serving = Stmt.Match.eq(servingKey(v6), set(v6 ? SERVING6 : SERVING4));
        if (!f.staticSessions().isEmpty() || !f.portSessions().isEmpty()) {
            if (!f.staticSessions().isEmpty()) {
                rules.add(Rule.of(new Stmt.PayloadSet(PayloadField.ETHER_DADDR,
                        new Expr.MapLookup(FarmCompiler.staticKey(v6), set(v6 ? STATIC6 : STATIC4), DataType.ETHER_ADDR))));
            }
            if (!f.portSessions().isEmpty()) {
                // After the address's: a pinned port of a client wins over its pinned address.
                rules.add(Rule.of(new Stmt.PayloadSet(PayloadField.ETHER_DADDR, new Expr.MapLookup(
                        FarmCompiler.staticPortKey(v6), set(v6 ? STATIC6_PORT : STATIC4_PORT), DataType.ETHER_ADDR))));
            }
            rules.add(Rule.of(serving, forwardFrom(path), forward(path)));
        }
        if (f.persistence().isPresent()) {
            Persistence p = f.persistence().get();
            String map = map(p.key(), v6);
            Expr key = FarmCompiler.persistenceKey(p.key(), v6);
            rules.add(Rule.of(new Stmt.PayloadSet(PayloadField.ETHER_DADDR,
                    new Expr.MapLookup(key, set(map), DataType.ETHER_ADDR))));
            rules.add(Rule.of(serving, record(f, v6), forwardFrom(path), forward(path)));
            // Here the client is not remembered, or on a backend that no longer serves: forget
            // that one, as an update would only refresh it and keep its old MAC. (The kernel
            // wants a data register for any operation on a map, even a delete, which ignores it.)
            rules.add(Rule.of(new Stmt.SetUpdate(Stmt.SetOp.DELETE, map, key, Optional.of(ETHER_DADDR),
                    Optional.empty(), Optional.empty())));
        }
        return rules;
    }

    /** Remembers (or refreshes) the backend the packet goes to: {@code update @map { key timeout T : ether daddr }}. */
    static Stmt record(Farm f, boolean v6) {
        Persistence p = f.persistence().orElseThrow();
        return new Stmt.SetUpdate(Stmt.SetOp.UPDATE, map(p.key(), v6), FarmCompiler.persistenceKey(p.key(), v6),
                Optional.of(ETHER_DADDR), Optional.of(p.ttl()), Optional.empty());
    }

    private static Stmt forwardFrom(DsrPath path) {
        return new Stmt.PayloadSet(PayloadField.ETHER_SADDR, new Expr.Ether(path.outMac()));
    }

    private static Stmt forward(DsrPath path) {
        return new Stmt.Fwd(path.outDevice(), Optional.empty());
    }

    private static Expr servingKey(boolean v6) {
        return concat(daddr(v6), ETHER_DADDR);
    }
}
