package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** {@code flow_offload}: {@code [ flow_offload @ft ]}. */
public record FlowOffload(String flowtable) implements KExpr {

    static final int TABLE_NAME = 1;

    public FlowOffload {
        requireNonNull(flowtable, "flowtable");
    }

    @Override
    public String name() {
        return "flow_offload";
    }

    @Override
    public void encode(MsgWriter w) {
        w.str(TABLE_NAME, flowtable);
    }

    static FlowOffload decode(Attrs a) {
        return new FlowOffload(a.str(TABLE_NAME, "flow_offload table"));
    }
}
