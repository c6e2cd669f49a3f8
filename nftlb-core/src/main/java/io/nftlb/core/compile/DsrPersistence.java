package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.addr;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Backend;
import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Persistence;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of DSR farms, at netdev ingress where there is no conntrack: what a client was
 * sent to is remembered as the backend's MAC, in a dynamic map keyed as the inet table's
 * persistence maps are ({@code ip saddr . ip daddr . th dport} for the source address), shared by
 * all DSR farms of that key, and refreshed by every packet (there is no "new connection" here),
 * as nftlb does.
 *
 * <p>A remembered MAC is used only while it is a serving backend of the client's virtual address:
 * {@code ip daddr . ether daddr @dsr-serving4}; otherwise the element is deleted and the client
 * scheduled and remembered anew. Its elements follow backend states, so a backend
 * going down is an element change; a backend in two farms of one virtual address counts as
 * serving while it serves in either.
 */
final class DsrPersistence {

    static final String SERVING4 = "dsr-serving4", SERVING6 = "dsr-serving6";
    static final Expr ETHER_DADDR = new Expr.Payload(PayloadField.ETHER_DADDR);

    private DsrPersistence() {}

    /** The map of a key and IP version, e.g. {@code dsr-persist4-saddr}. */
    static String map(Persistence.Key key, boolean v6) {
        return "dsr-persist" + (v6 ? "6" : "4") + "-" + FarmCompiler.keyName(key);
    }

    /** The maps and serving sets the DSR farms' persistence needs (none without it). */
    static List<NamedSet> declarations(List<Farm> dsrFarms) {
        List<NamedSet> sets = new ArrayList<>();
        for (Persistence.Key key : Persistence.Key.values()) {
            if (dsrFarms.stream().anyMatch(f -> f.persistence().map(p -> p.key() == key).orElse(false))) {
                for (boolean v6 : List.of(false, true)) {
                    sets.add(NamedSet.map(map(key, v6), FarmCompiler.persistenceKey(key, v6), ETHER_DADDR,
                                    Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT))
                            .withSize(RulesetCompiler.DEFAULT_PERSISTENCE_SIZE));
                }
            }
        }
        if (!sets.isEmpty()) {
            sets.add(NamedSet.set(SERVING4, servingKey(false), Set.of()));
            sets.add(NamedSet.set(SERVING6, servingKey(true), Set.of()));
        }
        return sets;
    }

    /** A persistent DSR farm's serving backends, as virtual address . MAC. */
    static void elements(Farm f, DsrPath path, Map<String, List<Element>> out) {
        if (f.persistence().isEmpty()) {
            return;
        }
        for (InetAddress vip : f.addresses()) {
            boolean v6 = vip instanceof Inet6Address;
            for (Backend b : IngressCompiler.tier(f, null)) {
                out.computeIfAbsent(v6 ? SERVING6 : SERVING4, k -> new ArrayList<>()).add(Element.of(
                        concat(addr(vip), new Expr.Ether(IngressCompiler.mac(f, path, b)))));
            }
        }
    }

    /**
     * The rules before scheduling, for one IP version: take the remembered MAC, and if it serves,
     * refresh it and forward. A client not remembered (the lookup misses and ends the rule) or
     * remembered on a backend that no longer serves goes on to scheduling.
     */
    static List<Rule> lookup(Farm f, DsrPath path, boolean v6) {
        Persistence p = f.persistence().orElseThrow();
        String map = map(p.key(), v6);
        Expr key = FarmCompiler.persistenceKey(p.key(), v6);
        return List.of(
                Rule.of(new Stmt.PayloadSet(PayloadField.ETHER_DADDR,
                        new Expr.MapLookup(key, set(map), DataType.ETHER_ADDR))),
                Rule.of(Stmt.Match.eq(servingKey(v6), set(v6 ? SERVING6 : SERVING4)), record(f, v6),
                        new Stmt.PayloadSet(PayloadField.ETHER_SADDR, new Expr.Ether(path.outMac())),
                        new Stmt.Fwd(path.outDevice(), Optional.empty())),
                // Here the client is not remembered, or on a backend that no longer serves: forget
                // that one, as an update would only refresh it and keep its old MAC. (The kernel
                // wants a data register for any operation on a map, even a delete, which ignores it.)
                Rule.of(new Stmt.SetUpdate(Stmt.SetOp.DELETE, map, key, Optional.of(ETHER_DADDR), Optional.empty(),
                        Optional.empty())));
    }

    /** Remembers (or refreshes) the backend the packet goes to: {@code update @map { key timeout T : ether daddr }}. */
    static Stmt record(Farm f, boolean v6) {
        Persistence p = f.persistence().orElseThrow();
        return new Stmt.SetUpdate(Stmt.SetOp.UPDATE, map(p.key(), v6), FarmCompiler.persistenceKey(p.key(), v6),
                Optional.of(ETHER_DADDR), Optional.of(p.ttl()), Optional.empty());
    }

    private static Expr servingKey(boolean v6) {
        return concat(daddr(v6), ETHER_DADDR);
    }
}
