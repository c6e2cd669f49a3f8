package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.expr.Cmp;
import io.nftlb.netlink.internal.expr.KExpr;
import io.nftlb.netlink.internal.expr.Meta;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The matches nft 1.0.6 implies before a header field, for one rule: {@code meta nfproto} (inet)
 * or {@code meta protocol} (netdev) before a network field, {@code meta l4proto} before a tcp,
 * udp, sctp or icmp field, {@code meta iiftype ether} (netdev, bridge) before an ether field.
 * Each is emitted once per rule, and not at all after the rule matched the same itself. Each
 * takes a register of its own that is free again right after.
 */
final class ImpliedMatches {

    /** NFT_META_IIFTYPE: the link type of the input device, read for {@code meta iiftype ether}. */
    static final int META_IIFTYPE = 8;

    private final Family family;
    private final List<KExpr> out;
    private final Registers regs;
    private final Set<Implied> present = new HashSet<>();

    ImpliedMatches(Family family, List<KExpr> out, Registers regs) {
        this.family = family;
        this.out = out;
        this.regs = regs;
    }

    /** The rule matched this itself: nothing needs implying it again. */
    void stated(Implied match) {
        present.add(match);
    }

    /** Emits the matches {@code f} implies that the rule has not had yet. */
    void before(PayloadField f) {
        if (f.header() == PayloadField.Header.NETWORK) {
            NfProto p = NfProto.ofHeader(f.protocol());
            if (family == Family.INET) {
                require(Implied.nfproto(p));
            } else if (family == Family.NETDEV) {
                require(Implied.ethertype(p)); // netdev sees every ethertype
            }
        }
        if ((family == Family.NETDEV || family == Family.BRIDGE || family == Family.INET)
                && f.header() == PayloadField.Header.LINK) {
            require(Implied.IIFTYPE_ETHER); // these families see any link type
        }
        if (f.header() == PayloadField.Header.TRANSPORT) {
            L4Proto.ofHeader(f.protocol()).ifPresent(p -> require(Implied.l4proto(p)));
        }
    }

    /** Emits {@code match} unless the rule has it already. */
    void require(Implied match) {
        if (!present.add(match)) {
            return;
        }
        int mark = regs.mark();
        int reg = Registers.reg(regs.alloc(4));
        switch (match.key()) {
            case NFPROTO -> out.add(Meta.load(Typeof.Keys.meta(MetaKey.NFPROTO), reg));
            case L4PROTO -> out.add(Meta.load(Typeof.Keys.meta(MetaKey.L4PROTO), reg));
            case ETHERTYPE -> out.add(Meta.load(Typeof.Keys.meta(MetaKey.PROTOCOL), reg));
            case IIFTYPE -> out.add(Meta.load(META_IIFTYPE, reg));
        }
        int v = (int) match.value();
        out.add(new Cmp(reg, Cmp.EQ, switch (match.key()) {
            case NFPROTO, L4PROTO -> Bytes.of((byte) v); // one byte each
            case ETHERTYPE -> Bytes.of((byte) (v >> 8), (byte) v); // be16
            case IIFTYPE -> Bytes.of((byte) v, (byte) (v >> 8)); // u16, host order (little-endian here)
        }));
        regs.release(mark);
    }
}
