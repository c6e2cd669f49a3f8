package io.nftlb.netlink.internal.expr;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code log}: {@code [ log prefix x:  level 4 ]}. The group is a big-endian u16. */
public record Log(Optional<String> prefix, OptionalInt group, OptionalInt level, int flags) implements KExpr {

    static final int GROUP = 1, PREFIX = 2, SNAPLEN = 3, QTHRESHOLD = 4, LEVEL = 5, FLAGS = 6;

    public Log {
        requireNonNull(prefix, "prefix");
        requireNonNull(group, "group");
        requireNonNull(level, "level");
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public void encode(MsgWriter w) {
        prefix.ifPresent(p -> w.str(PREFIX, p));
        group.ifPresent(g -> w.bytes(GROUP, new byte[] {(byte) (g >>> 8), (byte) g}, 0, 2));
        level.ifPresent(l -> w.be32(LEVEL, l));
        w.be32IfSet(FLAGS, flags);
    }

    static Log decode(Attrs a) {
        return new Log(a.find(PREFIX).map(Attr::str),
                a.find(GROUP).map(x -> OptionalInt.of(x.be16())).orElse(OptionalInt.empty()),
                a.find(LEVEL).map(x -> OptionalInt.of(x.be32int())).orElse(OptionalInt.empty()),
                (int) a.be32Or(FLAGS, 0));
    }
}
