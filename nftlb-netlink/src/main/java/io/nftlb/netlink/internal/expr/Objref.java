package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code objref}: applies a named object. {@code [ objref type 3 name ftp-std ]} */
public record Objref(int objType, String objName) implements KExpr {

    static final int IMM_TYPE = 1, IMM_NAME = 2;

    public Objref {
        requireNonNull(objName, "objName");
    }

    @Override
    public String name() {
        return "objref";
    }

    @Override
    public void encode(MsgWriter w) {
        w.be32(IMM_TYPE, objType).str(IMM_NAME, objName);
    }

    static Objref decode(Attrs a) {
        return new Objref(a.reg(IMM_TYPE, "objref type"), a.str(IMM_NAME, "objref name"));
    }
}
