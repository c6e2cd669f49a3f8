package io.nftlb.core.runtime;

import static java.util.Objects.requireNonNull;

import io.nftlb.core.DsrPath;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.Persistence;
import io.nftlb.core.PortRange;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.compile.PolicyCompiler;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.transport.DynamicElements;
import io.nftlb.core.transport.DynamicElements.TimedElement;
import io.nftlb.core.transport.Transport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The persistence sessions the data path has recorded for a committed farm: each client it
 * remembers (a persistence map element, added as the client's connections were scheduled) with
 * the backend it keeps the client on and the time left before the kernel forgets it. Read from
 * the kernel on each call, through the transport's {@link Transport#dynamicElements()}; safe
 * from any thread.
 *
 * <p>sNAT and dNAT farms remember a client's backend by its conntrack mark, DSR farms at netdev
 * ingress by its MAC (named by the farm's {@link io.nftlb.core.DsrPath}), stateless dNAT farms
 * there by its address.
 */
public final class PersistenceSessions {

    /**
     * One remembered client.
     *
     * @param client the key fields that name the client, as {@code nft} prints them:
     *     {@code 192.0.2.7} (by source address), {@code 192.0.2.7 . 40123} (address and port),
     *     a MAC address (by MAC), or the farm's address and port (by destination)
     * @param backend the backend the client is kept on; empty if the element's mark (or, at
     *     ingress, MAC or address) is no longer one of the farm's backends (the kernel forgets it at its
     *     expiration)
     * @param timeout the element's timeout (the farm's persistence TTL when it was recorded)
     * @param expiresIn the time left before the kernel removes the element
     */
    public record Session(String client, Optional<String> backend, Duration timeout, Duration expiresIn) {
        public Session {
            requireNonNull(client, "client");
            requireNonNull(backend, "backend");
            requireNonNull(timeout, "timeout");
            requireNonNull(expiresIn, "expiresIn");
        }
    }

    private final Transport transport;
    private final Function<String, Optional<Farm>> farms;
    private final Function<String, Map<String, Long>> marks;
    private final Function<String, Optional<DsrPath>> paths;

    PersistenceSessions(Transport transport, Function<String, Optional<Farm>> farms,
                        Function<String, Map<String, Long>> marks, Function<String, Optional<DsrPath>> paths) {
        this.transport = transport;
        this.farms = farms;
        this.marks = marks;
        this.paths = paths;
    }

    /**
     * The farm's remembered clients now, ordered by their key as {@code nft} lists a set's
     * elements (address bytes, then port).
     *
     * @return empty if the farm has no persistence
     * @throws IllegalArgumentException if no farm of this name is committed
     * @throws UnsupportedOperationException if the transport cannot read the data path's own
     *     elements (the netlink transport can)
     */
    public List<Session> of(String farm) {
        return read(committed(farm)).stream().sorted(Comparator.comparing(Found::element, BY_KEY))
                .map(Found::session).toList();
    }

    /** Elements by key, part by part: addresses by their bytes, numbers by value, MACs by text. */
    private static final Comparator<Element> BY_KEY = (a, b) -> {
        List<Expr> x = parts(a.key());
        List<Expr> y = parts(b.key());
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = comparePart(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    };

    private static List<Expr> parts(Expr key) {
        return key instanceof Expr.Concat c ? c.parts() : List.of(key);
    }

    private static int comparePart(Expr a, Expr b) {
        if (a instanceof Expr.Addr x && b instanceof Expr.Addr y) {
            return java.util.Arrays.compareUnsigned(x.address().getAddress(), y.address().getAddress());
        }
        if (a instanceof Expr.Int x && b instanceof Expr.Int y) {
            return Long.compare(x.value(), y.value());
        }
        return a.toString().compareTo(b.toString());
    }

    /**
     * Makes the kernel forget the clients it keeps on {@code backend} of {@code farm} (as
     * nftlb's {@code DELETE /farms/F/backends/B/sessions}): their next new connection is
     * scheduled afresh. Connections already open are not touched.
     *
     * @return how many clients were forgotten
     * @throws IllegalArgumentException if no farm of this name is committed, or it has no
     *     such backend
     * @throws UnsupportedOperationException as {@link #of}
     */
    public int forget(String farm, String backend) {
        requireNonNull(backend, "backend");
        Farm f = committed(farm);
        if (f.backends().stream().noneMatch(b -> b.name().equals(backend))) {
            throw new IllegalArgumentException("farm \"" + farm + "\" has no backend \"" + backend + "\"");
        }
        return delete(read(f).stream().filter(x -> x.session().backend().equals(Optional.of(backend))).toList());
    }

    /**
     * Makes the kernel forget one client of {@code farm} (as nftlb's
     * {@code DELETE /farms/F/sessions/CLIENT} of a session that is not static).
     *
     * @param client as {@link Session#client()} writes it
     * @return whether the kernel remembered the client
     * @throws IllegalArgumentException if no farm of this name is committed
     * @throws UnsupportedOperationException as {@link #of}
     */
    public boolean forgetClient(String farm, String client) {
        requireNonNull(client, "client");
        return delete(read(committed(farm)).stream().filter(x -> x.session().client().equals(client)).toList()) > 0;
    }

    private int delete(List<Found> found) {
        Map<Found.Where, List<Element>> bySet = found.stream()
                .collect(Collectors.groupingBy(Found::where, Collectors.mapping(Found::element, Collectors.toList())));
        int forgotten = 0;
        for (Map.Entry<Found.Where, List<Element>> e : bySet.entrySet()) {
            forgotten += elements().delete(e.getKey().table(), e.getKey().set(), e.getValue());
        }
        return forgotten;
    }

    private record Found(Where where, Element element, Session session) {
        record Where(TableRef table, String set) {}
    }

    private Farm committed(String farm) {
        requireNonNull(farm, "farm");
        return farms.apply(farm).orElseThrow(() -> new IllegalArgumentException("farm \"" + farm + "\" does not exist"));
    }

    private DynamicElements elements() {
        return transport.dynamicElements().orElseThrow(() -> new UnsupportedOperationException(
                "transport " + transport + " cannot read the data path's own set elements (the netlink transport can)"));
    }

    private List<Found> read(Farm farm) {
        if (farm.persistence().isEmpty()) {
            return List.of();
        }
        Persistence.Key key = farm.persistence().get().key();
        boolean dsr = farm.forwarding() instanceof Forwarding.Dsr;
        boolean stateless = farm.forwarding() instanceof Forwarding.StatelessDnat;
        // What an element maps the client to, named: a conntrack mark, or at ingress a MAC (DSR)
        // or the backend's address (stateless dNAT).
        Map<Object, String> byData = new HashMap<>();
        if (dsr) {
            paths.apply(farm.name()).ifPresent(p -> p.backendMacs().forEach((backend, mac) ->
                    byData.put(mac.toLowerCase(java.util.Locale.ROOT), backend)));
        } else if (stateless) {
            farm.backends().forEach(b -> byData.put(b.address(), b.name()));
        } else {
            marks.apply(farm.name()).forEach((backend, mark) -> byData.put(mark, backend));
        }
        DynamicElements dynamic = elements();
        List<Found> out = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            if (farm.addresses().stream().noneMatch(a -> (a instanceof java.net.Inet6Address) == v6)) {
                continue;
            }
            Found.Where where = dsr ? new Found.Where(PolicyCompiler.TABLE, Layout.dsrPersistence(key, v6))
                    : stateless ? new Found.Where(PolicyCompiler.TABLE, Layout.statelessDnatPersistence(key, v6))
                    : new Found.Where(Layout.TABLE, Layout.persistence(key, v6));
            for (TimedElement t : dynamic.read(where.table(), where.set())) {
                session(farm, byData, t).ifPresent(s -> out.add(new Found(where, t.element(), s)));
            }
        }
        return out;
    }

    /** The session of an element if it is the farm's: its key ends with the farm's address and port. */
    private static Optional<Session> session(Farm farm, Map<Object, String> byData, TimedElement t) {
        Element e = t.element();
        List<Expr> parts = parts(e.key());
        int n = parts.size();
        if (n < 2 || !(parts.get(n - 2) instanceof Expr.Addr vip) || !(parts.get(n - 1) instanceof Expr.Int port)
                || !farm.addresses().contains(vip.address()) || !servesPort(farm, port.value())) {
            return Optional.empty();
        }
        Object data = switch (e.data().orElse(null)) {
            case Expr.Int mark -> mark.value();
            case Expr.Ether mac -> mac.mac().toLowerCase(java.util.Locale.ROOT);
            case Expr.Addr backend -> backend.address();
            case null, default -> null;
        };
        if (data == null) {
            return Optional.empty();
        }
        List<Expr> client = n > 2 ? parts.subList(0, n - 2) : parts;
        String text = client.stream().map(PersistenceSessions::text).collect(Collectors.joining(" . "));
        Duration timeout = e.timeout().orElse(Duration.ZERO);
        return Optional.of(new Session(text, Optional.ofNullable(byData.get(data)), timeout,
                t.expiresIn().orElse(timeout)));
    }

    private static boolean servesPort(Farm farm, long port) {
        if (farm.ports().isEmpty()) {
            return true;
        }
        for (PortRange r : farm.ports()) {
            if (port >= r.from() && port <= r.to()) {
                return true;
            }
        }
        return false;
    }

    private static String text(Expr part) {
        return switch (part) {
            case Expr.Addr a -> address(a.address());
            case Expr.Int i -> Long.toString(i.value());
            case Expr.Ether m -> m.mac();
            default -> part.toString();
        };
    }

    private static String address(InetAddress a) {
        return com.google.common.net.InetAddresses.toAddrString(a);
    }
}
