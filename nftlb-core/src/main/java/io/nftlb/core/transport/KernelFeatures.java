package io.nftlb.core.transport;

import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which kernel feature an operation may have needed, when the kernel refused it as a kernel built
 * without that feature does: ENOENT (no such expression or object type: the module request failed)
 * or EOPNOTSUPP. Transports add it to their error, so that "No such file or directory" on a queue
 * rule points at CONFIG_NFT_QUEUE. It is a hint read from the errno and the operation, not a probe
 * of the kernel: the same errno has other causes (a missing table, chain or device).
 */
public final class KernelFeatures {

    private KernelFeatures() {}

    /**
     * What {@code op} needs that the kernel may lack, if {@code errno} (its name, e.g.
     * {@code ENOENT}) is how a missing feature shows; empty otherwise.
     */
    public static Optional<String> missing(Op op, String errno) {
        if (!errno.equals("ENOENT") && !errno.equals("EOPNOTSUPP")) {
            return Optional.empty();
        }
        if (op instanceof Op.AddFlowtable) {
            return Optional.of("this kernel may lack flowtables (CONFIG_NF_FLOW_TABLE, CONFIG_NF_FLOW_TABLE_INET)");
        }
        if (op instanceof Op.AddRule r) {
            List<Stmt> statements = new ArrayList<>(r.rule().statements());
            // A set element's stateful statement (a per-client limit or ct count) needs its expression too.
            r.rule().statements().stream().filter(s -> s instanceof Stmt.SetUpdate)
                    .forEach(s -> ((Stmt.SetUpdate) s).stateful().ifPresent(statements::add));
            List<String> needs = new ArrayList<>();
            for (Stmt s : statements) {
                switch (s) {
                    case Stmt.Queue q -> needs.add("queue: CONFIG_NFT_QUEUE and CONFIG_NETFILTER_NETLINK_QUEUE");
                    case Stmt.FlowOffload f -> needs.add("flow offload: CONFIG_NFT_FLOW_OFFLOAD");
                    case Stmt.Fwd f -> needs.add("fwd: CONFIG_NFT_FWD_NETDEV");
                    case Stmt.Dup d -> needs.add("dup: CONFIG_NFT_DUP_IPV4/IPV6");
                    case Stmt.Connlimit c -> needs.add("ct count: CONFIG_NFT_CONNLIMIT");
                    case Stmt.Log l -> needs.add("log: CONFIG_NFT_LOG");
                    case Stmt.Reject j -> needs.add("reject: CONFIG_NFT_REJECT");
                    default -> { }
                }
            }
            if (!needs.isEmpty()) {
                return Optional.of("the rule needs kernel features this kernel may lack (" + String.join("; ", needs)
                        + ")");
            }
        }
        if (op instanceof Op.AddObject o && o.object() instanceof NamedObject.CtHelper) {
            return Optional.of("ct helper objects need CONFIG_NFT_CT and the helper's conntrack module");
        }
        return Optional.empty();
    }
}
