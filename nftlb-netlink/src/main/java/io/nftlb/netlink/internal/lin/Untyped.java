package io.nftlb.netlink.internal.lin;

import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.KSet;
import java.util.List;

/**
 * An anonymous map as the kernel dumps it, whose user data names no key type: it is decoded once
 * the rule that looks it up gives its key ({@link Sets#anonymous}).
 */
public record Untyped(KSet set, List<KElem> elements) {

    public Untyped {
        elements = List.copyOf(elements);
    }
}
