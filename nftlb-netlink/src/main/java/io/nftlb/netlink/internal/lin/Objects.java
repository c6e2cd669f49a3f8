package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.Stmt;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.expr.Limit;
import io.nftlb.netlink.internal.expr.Quota;
import io.nftlb.netlink.internal.msg.KObj;

/** Named objects (counter, quota, limit, ct helper) to kernel objects and back. */
public final class Objects {
    private Objects() {}

    static final int HELPER_NAME = 1, HELPER_L3PROTO = 2, HELPER_L4PROTO = 3;
    static final int COUNTER_BYTES = 1, COUNTER_PACKETS = 2;

    public static int type(NamedObject o) {
        return (switch (o) {
            case NamedObject.Counter c -> KObj.Type.COUNTER;
            case NamedObject.Quota q -> KObj.Type.QUOTA;
            case NamedObject.Limit l -> KObj.Type.LIMIT;
            case NamedObject.CtHelper h -> KObj.Type.CT_HELPER;
        }).number();
    }

    public static KObj toKernel(String table, NamedObject o) {
        MsgWriter w = new MsgWriter(64);
        switch (o) {
            case NamedObject.Counter c -> w.be64(COUNTER_BYTES, 0).be64(COUNTER_PACKETS, 0);
            case NamedObject.Quota q -> new Quota(q.bytes(), 0, q.over() ? Quota.F_INV : 0).encode(w);
            case NamedObject.Limit l -> limit(l.limit()).encode(w);
            case NamedObject.CtHelper h -> w.str(HELPER_NAME, h.helper())
                    .bytes(HELPER_L3PROTO, new byte[] {0, (byte) h.l3proto().nfproto()}, 0, 2)
                    .u8(HELPER_L4PROTO, h.l4proto());
        }
        return new KObj(table, o.name(), type(o), w.toBytes());
    }

    static Limit limit(Stmt.Limit l) {
        return new Limit(l.rate(), l.per().seconds(), (int) l.burst(), l.bytes() ? Limit.PKT_BYTES : Limit.PKTS,
                l.over() ? Limit.F_INV : 0);
    }

    public static NamedObject fromKernel(KObj k) {
        Attrs a = Attrs.parse(k.data());
        KObj.Type type = KObj.Type.ofNumber(k.type())
                .orElseThrow(() -> new CodecException("unsupported object type " + k.type()));
        return switch (type) {
            case COUNTER -> new NamedObject.Counter(k.name());
            case QUOTA -> {
                Quota q = Quota.decode(a);
                yield new NamedObject.Quota(k.name(), q.bytes(), (q.flags() & Quota.F_INV) != 0);
            }
            case LIMIT -> {
                Limit l = Limit.decodeObject(a);
                Stmt.TimeUnit unit = java.util.Arrays.stream(Stmt.TimeUnit.values())
                        .filter(u -> u.seconds() == l.unitSeconds()).findFirst()
                        .orElseThrow(() -> new CodecException("limit unit " + l.unitSeconds()));
                yield new NamedObject.Limit(k.name(), new Stmt.Limit(l.rate(), unit, l.burst(),
                        l.type() == Limit.PKT_BYTES, (l.flags() & Limit.F_INV) != 0));
            }
            case CT_HELPER -> new NamedObject.CtHelper(k.name(), a.str(HELPER_NAME, "helper name"),
                    a.get(HELPER_L4PROTO, "helper l4proto").u8(),
                    Family.ofNfproto((int) a.get(HELPER_L3PROTO, "helper l3proto").bytes().toLongBe()));
            case CONNLIMIT -> throw new CodecException("unsupported object type " + k.type() + " (ct count)");
        };
    }
}
