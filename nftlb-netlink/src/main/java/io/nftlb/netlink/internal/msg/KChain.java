package io.nftlb.netlink.internal.msg;

import static java.util.Objects.requireNonNull;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.Optional;

/** A chain as the kernel sees it (NFTA_CHAIN_*); base chains carry a hook. */
public record KChain(String table, String name, Optional<Hook> hook) {

    static final int TABLE = 1, NAME = 3, HOOK = 4, POLICY = 5, TYPE = 7;
    static final int HOOK_NUM = 1, HOOK_PRIORITY = 2, HOOK_DEV = 3;

    public KChain {
        requireNonNull(table, "table");
        requireNonNull(name, "name");
        requireNonNull(hook, "hook");
    }

    /** {@code type filter hook prerouting priority -150; policy accept; [device eth0]}. */
    public record Hook(String type, int hooknum, int priority, int policy, Optional<String> device) {}

    public void encode(MsgWriter w) {
        w.str(TABLE, table).str(NAME, name);
        hook.ifPresent(h -> {
            w.str(TYPE, h.type()).be32(POLICY, h.policy());
            w.nest(HOOK, () -> {
                w.be32(HOOK_NUM, h.hooknum()).be32(HOOK_PRIORITY, h.priority());
                h.device().ifPresent(d -> w.str(HOOK_DEV, d));
            });
        });
    }

    /** Writes only the identifying attributes (for delete and flush). */
    public static void encodeRef(MsgWriter w, String table, String name) {
        w.str(TABLE, table).str(NAME, name);
    }

    public static KChain decode(Attrs a) {
        Optional<Hook> hook = a.find(HOOK).map(Attr::nest).map(h -> new Hook(a.find(TYPE).map(Attr::str).orElse("filter"),
                h.reg(HOOK_NUM, "hook num"), (int) h.be32(HOOK_PRIORITY, "hook priority"),
                (int) a.be32Or(POLICY, 1), h.find(HOOK_DEV).map(Attr::str)));
        return new KChain(a.str(TABLE, "chain table"), a.str(NAME, "chain name"), hook);
    }
}
