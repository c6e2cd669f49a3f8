package io.nftlb.netlink.internal.lin;

import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.KSet;
import java.util.List;

/** An anonymous set or map a rule needs, created in the same batch before the rule. */
public record AnonSets(KSet set, List<KElem> elements) {}
