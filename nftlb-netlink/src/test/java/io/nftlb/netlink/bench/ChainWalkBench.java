package io.nftlb.netlink.bench;

import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.transport.Op;
import io.nftlb.core.transport.TableRef;
import io.nftlb.core.transport.Transaction;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a transaction costs the kernel for each chain that exists, whether it touches it or not:
 * a table with one hash set and N empty regular chains, and the median latency of committing
 * one element added to (or deleted from) the set, through {@link NetlinkTransport}. The kernel's
 * commit visits every chain of every table to publish its next rule generation
 * ({@code nf_tables_commit}, step 2), so this grows with N although the transaction has one
 * message. One chain per farm makes it part of every change at 10,000 farms.
 *
 * <p>Run as root from the repository root: {@code nftlb-netlink/bench.sh chains 0 1000 10000 20000}
 * (chain counts).
 */
public final class ChainWalkBench {

    private static final int WARMUP = 5_000;
    private static final int SAMPLES = 5_000;

    private ChainWalkBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (String arg : args) {
            counts.add(Integer.parseInt(arg));
        }
        if (counts.isEmpty()) {
            counts = List.of(0, 1_000, 10_000, 20_000);
        }
        TableRef table = new TableRef(Family.INET, "t");
        List<Element> element = List.of(Element.of(new Expr.Addr(InetAddress.getByName("10.9.9.9"))));
        for (int n : counts) {
            try (NetworkNamespace ns = NetworkNamespace.create()) {
                StringBuilder script = new StringBuilder("table inet t {\n set s { typeof ip daddr; }\n");
                for (int i = 0; i < n; i++) {
                    script.append(" chain c").append(i).append(" { }\n");
                }
                ns.nft(script.append("}\n").toString());
                try (NetlinkTransport transport = NetlinkTransport.openInNamespace(ns.name())) {
                    long[] nanos = new long[SAMPLES];
                    for (int i = 0; i < WARMUP + SAMPLES; i++) {
                        Op op = i % 2 == 0 ? new Op.AddElements(table, "s", element)
                                : new Op.DeleteElements(table, "s", element);
                        long t0 = System.nanoTime();
                        transport.commit(Transaction.of(List.of(op)));
                        if (i >= WARMUP) {
                            nanos[i - WARMUP] = System.nanoTime() - t0;
                        }
                    }
                    Arrays.sort(nanos);
                    System.out.printf("%,7d chains: one-element commit p50 %4d µs, p90 %4d µs%n", n,
                            nanos[SAMPLES / 2] / 1000, nanos[SAMPLES * 9 / 10] / 1000);
                }
            }
        }
    }
}
