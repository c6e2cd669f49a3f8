package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;

/** A table as the kernel sees it (NFTA_TABLE_*). */
public record KTable(String name, int flags) {

    static final int NAME = 1, FLAGS = 2;

    public KTable {
        requireNonNull(name, "name");
    }

    public void encode(MsgWriter w) {
        w.str(NAME, name).be32(FLAGS, flags);
    }

    public static KTable decode(Attrs a) {
        return new KTable(a.str(NAME, "table name"), (int) a.be32Or(FLAGS, 0));
    }
}
