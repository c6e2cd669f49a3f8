package io.nftlb.core.compile;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.PayloadField;
import java.net.InetAddress;
import java.util.List;

/** Short constructors for the AST nodes the compiler uses, so its code reads like nft. */
final class Nodes {

    private Nodes() {}

    static final Expr CT_MARK = new Expr.Ct(CtKey.MARK);
    static final Expr CT_STATE = new Expr.Ct(CtKey.STATE);
    static final Expr CT_STATUS = new Expr.Ct(CtKey.STATUS);
    static final Expr L4PROTO = new Expr.Meta(MetaKey.L4PROTO);
    static final Expr META_MARK = new Expr.Meta(MetaKey.MARK);
    static final Expr TH_DPORT = new Expr.Payload(PayloadField.TH_DPORT);
    static final Expr TH_SPORT = new Expr.Payload(PayloadField.TH_SPORT);
    static final Expr ETHER_SADDR = new Expr.Payload(PayloadField.ETHER_SADDR);
    static final Expr ETHER_DADDR = new Expr.Payload(PayloadField.ETHER_DADDR);

    static Expr saddr(boolean ipv6) {
        return new Expr.Payload(ipv6 ? PayloadField.IP6_SADDR : PayloadField.IP_SADDR);
    }

    static Expr daddr(boolean ipv6) {
        return new Expr.Payload(ipv6 ? PayloadField.IP6_DADDR : PayloadField.IP_DADDR);
    }

    static Expr.Int mark(long value) {
        return new Expr.Int(value, DataType.MARK);
    }

    /**
     * Constants that many farms' elements share (ports, protocols, backend addresses: one pool
     * often serves many services), one instance each while some element holds it: a runtime
     * keeps 10,000 farms' elements. Weak, so values no element uses any more go.
     */
    private static final Interner<Expr> SHARED = Interners.newWeakInterner();

    static Expr.Int port(int value) {
        return (Expr.Int) SHARED.intern(new Expr.Int(value, DataType.INET_SERVICE));
    }

    static Expr.Int proto(int value) {
        return (Expr.Int) SHARED.intern(new Expr.Int(value, DataType.INET_PROTO));
    }

    /** A slot of a scheduling map: its number passes through {@code ct mark}, so it is typed as one. */
    static Expr.Int slot(long value) {
        return new Expr.Int(value, DataType.MARK);
    }

    /**
     * A slot of an ingress map keyed {@code typeof numgen ...} (DSR, stateless dNAT): a plain
     * integer, as the kernel's readback types it (typed as a mark, it would read back different).
     */
    static Expr.Int numgenSlot(long value) {
        return new Expr.Int(value, DataType.INTEGER);
    }

    static Expr.Addr addr(InetAddress a) {
        return new Expr.Addr(a);
    }

    /** A backend's address, shared with the other farms that have the same backend (see {@link #SHARED}). */
    static Expr.Addr backendAddr(InetAddress a) {
        return (Expr.Addr) SHARED.intern(new Expr.Addr(a));
    }

    static Expr concat(Expr... parts) {
        return new Expr.Concat(List.of(parts));
    }

    static Expr set(String name) {
        return new Expr.SetRef(name);
    }
}
