package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** An expression this library does not know: kept as its name and raw data, re-encoded unchanged. */
public record Unknown(String name, Bytes data) implements KExpr {

    public Unknown {
        requireNonNull(name, "name");
        requireNonNull(data, "data");
    }

    @Override
    public void encode(MsgWriter w) {
        w.raw(data);
    }
}
