package io.nftlb.netlink.bench;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.ast.Verdict;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a transaction costs the kernel for each chain that exists, whether it touches it or not:
 * a table shaped like the library's (a base chain dispatching through a verdict map to N
 * chains, one per farm, and a hash set), and the median latency, through
 * {@link NetlinkTransport}, of
 * <ul>
 *   <li>one element added to (or deleted from) the set: the kernel's commit visits every chain
 *       of every table to publish its next rule generation ({@code nf_tables_commit}, step 2),
 *       so this grows with N although the transaction has one message;</li>
 *   <li>a new chain with one rule and a {@code goto} element to it in the verdict map (what
 *       adding a farm does), then both deleted: a new jump or goto makes the kernel validate
 *       every chain reachable from the base chains, so this grows with N faster still.</li>
 * </ul>
 *
 * <p>Run as root from the repository root: {@code nftlb-netlink/bench.sh chains 0 1000 10000 20000}
 * (chain counts).
 */
public final class ChainWalkBench {

    private static final int WARMUP = 2_000;
    private static final int SAMPLES = 2_000;

    private ChainWalkBench() {}

    /** The median latency of committing {@code timed}, each time followed by {@code undo} (untimed), after a warm-up. */
    private static long median(NetlinkTransport transport, List<Op> timed, List<Op> undo) {
        long[] nanos = new long[SAMPLES];
        for (int i = 0; i < WARMUP + SAMPLES; i++) {
            long t0 = System.nanoTime();
            transport.commit(Transaction.of(timed));
            if (i >= WARMUP) {
                nanos[i - WARMUP] = System.nanoTime() - t0;
            }
            transport.commit(Transaction.of(undo));
        }
        Arrays.sort(nanos);
        return nanos[SAMPLES / 2];
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (String arg : args) {
            counts.add(Integer.parseInt(arg));
        }
        if (counts.isEmpty()) {
            counts = List.of(0, 1_000, 10_000, 20_000);
        }
        TableRef table = new TableRef(Family.INET, "t");
        List<Element> member = List.of(Element.of(new Expr.Addr(InetAddress.getByName("10.9.9.9"))));
        Element jump = new Element(new Expr.Int(999_999, DataType.MARK),
                Optional.of(new Expr.VerdictValue(Verdict.goTo("x"))), Optional.empty(), Optional.empty());
        for (int n : counts) {
            try (NetworkNamespace ns = NetworkNamespace.create()) {
                StringBuilder script = new StringBuilder("table inet t {\n set s { typeof ip daddr; }\n"
                        + " map v { typeof meta mark : verdict; }\n"
                        + " chain base { type filter hook prerouting priority 0; meta mark vmap @v; }\n");
                for (int i = 0; i < n; i++) {
                    script.append(" chain c").append(i).append(" { counter; }\n");
                }
                script.append("}\n");
                for (int i = 0; i < n; i++) {
                    script.append("add element inet t v { ").append(i + 1).append(" : goto c").append(i).append(" }\n");
                }
                ns.nft(script.toString());
                try (NetlinkTransport transport = NetlinkTransport.openInNamespace(ns.name())) {
                    long element = median(transport, List.of(new Op.AddElements(table, "s", member)),
                            List.of(new Op.DeleteElements(table, "s", member)));
                    long farm = median(transport, List.of(new Op.AddChain(table, Chain.regular("x", List.of())),
                                    new Op.AddRule(table, "x", Rule.of(new Stmt.Counter())),
                                    new Op.AddElements(table, "v", List.of(jump))),
                            List.of(new Op.DeleteElements(table, "v", List.of(jump)), new Op.DeleteChain(table, "x")));
                    System.out.printf("%,7d chains: add one element to a set p50 %4d µs; add a chain and a goto to it"
                            + " p50 %4d µs%n", n, element / 1000, farm / 1000);
                }
            }
        }
    }
}
