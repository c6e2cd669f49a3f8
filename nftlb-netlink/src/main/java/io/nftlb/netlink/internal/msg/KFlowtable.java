package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.List;

/**
 * A flowtable (NFTA_FLOWTABLE_*): ingress hook priority, devices and flags
 * ({@link #FLAG_COUNTER}); flags 0 is not sent, as {@code nft} does not send it.
 */
public record KFlowtable(String table, String name, int hooknum, int priority, List<String> devices, int flags) {

    static final int TABLE = 1, NAME = 2, HOOK = 3, FLAGS = 7;
    /** NFT_FLOWTABLE_COUNTER: offloaded packets are counted into conntrack. */
    public static final int FLAG_COUNTER = 0x2;
    static final int HOOK_NUM = 1, HOOK_PRIORITY = 2, HOOK_DEVS = 3, DEVICE_NAME = 1;

    public KFlowtable {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
        devices = List.copyOf(devices);
    }

    public void encode(MsgWriter w) {
        w.str(TABLE, table).str(NAME, name);
        w.nest(HOOK, () -> {
            w.be32(HOOK_NUM, hooknum).be32(HOOK_PRIORITY, priority);
            w.nest(HOOK_DEVS, () -> devices.forEach(d -> w.str(DEVICE_NAME, d)));
        });
        if (flags != 0) {
            w.be32(FLAGS, flags);
        }
    }

    public static void encodeRef(MsgWriter w, String table, String name) {
        w.str(TABLE, table).str(NAME, name);
    }

    public static KFlowtable decode(Attrs a) {
        Attrs h = a.get(HOOK, "flowtable hook").nest();
        return new KFlowtable(a.str(TABLE, "flowtable table"), a.str(NAME, "flowtable name"),
                h.reg(HOOK_NUM, "hook num"), (int) h.be32(HOOK_PRIORITY, "hook priority"),
                h.find(HOOK_DEVS).map(d -> d.nest().all().stream().map(Attr::str).toList()).orElse(List.of()),
                a.find(FLAGS).map(f -> (int) f.be32()).orElse(0));
    }
}
