package io.nftlb.core.compile;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Forwarding;
import io.nftlb.core.PortRange;
import io.nftlb.core.Scheduler;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.render.NftText;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Tells a person what the data path does for one farm: which chain, maps and elements, and why. */
final class Explain {

    private Explain() {}

    static String farm(Farm farm, Ids ids, FarmPart part) {
        StringBuilder b = new StringBuilder();
        String ports = farm.ports().isEmpty() ? "every port"
                : "port" + (farm.ports().size() > 1 || !farm.ports().get(0).single() ? "s " : " ")
                + farm.ports().stream().map(PortRange::toString).collect(Collectors.joining(", "));
        String vips = farm.addresses().stream().map(NftText::address).collect(Collectors.joining(", "));
        b.append("farm \"").append(farm.name()).append("\": ").append(farm.protocol().name().toLowerCase(Locale.ROOT))
                .append(" to ").append(vips).append(", ").append(ports).append('\n');
        b.append("  forwarding: ").append(forwarding(farm.forwarding())).append('\n');
        b.append("  new connections: chain prerouting looks up l4proto . daddr . dport in ")
                .append(String.join(", ", dispatchMaps(part))).append(" and goes to chain ")
                .append(part.chain().name()).append(part.inShard() ? " (shared with other farms: its rule is the one"
                        + " guarded by its service)" : "").append('\n');
        if (farm.intraConnect()) {
            b.append("  this host's own connections (intra-connect): chain ").append(Layout.CHAIN_LOCAL_DISPATCH)
                    .append(" (hook output) looks them up in the intra maps and goes to the same chain; chain ")
                    .append(Layout.CHAIN_LOCAL_DNAT).append(" sends them to the backend\n");
        }
        if (LocalClients.hairpin(farm)) {
            b.append("  hairpin: a backend of this farm calling its service is masqueraded (set ")
                    .append(Layout.HAIRPIN4).append('/').append(Layout.HAIRPIN6)
                    .append("): the chosen backend sees the balancer's address\n");
        }
        if (farm.scheduler() instanceof Scheduler.Maglev m) {
            long base = MaglevSlots.base(ids.farmId());
            b.append("  scheduling: ").append(scheduler(m)).append(", slots ").append(base).append("..")
                    .append(base + m.tableSize() - 1).append(" of each, looked up by chain ")
                    .append(Layout.CHAIN_LOOKUP_MAGLEV).append('\n');
        } else {
            b.append("  scheduling: ").append(scheduler(farm.scheduler())).append(", slots ")
                    .append((long) ids.farmId() * RulesetCompiler.SLOTS_PER_FARM).append("..")
                    .append((long) (ids.farmId() + 1) * RulesetCompiler.SLOTS_PER_FARM - 1)
                    .append(" of map ").append(Layout.sched(ids.farmId()))
                    .append(" (IPv4 first half, IPv6 second), looked up by chain ")
                    .append(Layout.schedLookupChain(ids.farmId())).append('\n');
        }
        farm.persistence().ifPresent(p -> b.append("  persistence: by ").append(p.key().name().toLowerCase(Locale.ROOT)
                .replace('_', ' ')).append(", remembered ").append(p.ttl()).append(" after the last new connection")
                .append('\n'));
        if (!farm.staticSessions().isEmpty()) {
            b.append("  static sessions: ").append(farm.staticSessions().entrySet().stream()
                    .map(e -> NftText.address(e.getKey()) + " -> " + e.getValue())
                    .collect(Collectors.joining(", "))).append('\n');
        }
        if (!farm.portSessions().isEmpty()) {
            b.append("  static sessions by client port: ").append(farm.portSessions().entrySet().stream()
                    .map(e -> e.getKey() + " -> " + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        }
        LimitsCompiler.explain(farm).ifPresent(l -> b.append("  ").append(l).append('\n'));
        farm.flowOffload().ifPresent(o -> b.append("  flow offload: established tcp and udp connections (marks in set ")
                .append(Layout.OFFLOADED).append(") go to flowtable ").append(Layout.FLOWTABLE).append(" on ")
                .append(String.join(", ", o.devices())).append(", added by chain ").append(Layout.CHAIN_FORWARD)
                .append('\n'));
        b.append(part.inShard() ? "  its rule in chain " : "  chain ").append(part.chain().name()).append(":\n");
        for (Rule r : part.chain().rules()) {
            b.append("    ").append(NftText.render(r)).append('\n');
        }
        b.append("  backends (conntrack mark, share of new connections):\n");
        List<Element> sched = new java.util.ArrayList<>(part.elements(Layout.sched(ids.farmId())));
        sched.addAll(part.elements(MaglevSlots.MAP4));
        sched.addAll(part.elements(MaglevSlots.MAP6));
        Map<Long, Long> slots = slotsByMark(sched);
        long total = slots.values().stream().mapToLong(Long::longValue).sum();
        for (Backend be : farm.backends()) {
            long mark = ids.mark(be.name());
            long mine = slots.getOrDefault(mark, 0L);
            b.append(String.format(Locale.ROOT, "    %-12s %-24s mark 0x%08x  weight %-5d priority %-3d %-5s %s%n", be.name(),
                    NftText.address(be.address()) + be.port().stream().mapToObj(p -> ":" + p).findFirst().orElse(""),
                    mark, be.weight(), be.priority(), be.state().name().toLowerCase(Locale.ROOT),
                    mine == 0 ? "no new connections" : String.format(Locale.ROOT, "%.1f%%", 100.0 * mine / total)));
        }
        return b.toString();
    }

    private static List<String> dispatchMaps(FarmPart part) {
        return List.of(Layout.FARMS4, Layout.FARMS4_RANGES, Layout.FARMS6, Layout.FARMS6_RANGES).stream()
                .filter(m -> !part.elements(m).isEmpty()).map(m -> "@" + m).toList();
    }

    /** How many slots of the farm's slice each mark holds (ranges count their width). */
    private static Map<Long, Long> slotsByMark(List<Element> sched) {
        Map<Long, Long> slots = new TreeMap<>();
        for (Element e : sched) {
            long width = e.key() instanceof Expr.Range r
                    ? ((Expr.Int) r.high()).value() - ((Expr.Int) r.low()).value() + 1 : 1;
            long mark = ((Expr.Int) e.data().orElseThrow()).value();
            slots.merge(mark, width, Long::sum);
        }
        return slots;
    }

    private static String forwarding(Forwarding f) {
        return switch (f) {
            case Forwarding.Dnat d -> "dnat: backends see the client's address and must route replies through"
                    + " this balancer";
            case Forwarding.Snat s -> s.sourceAddress().map(InetAddress -> "snat to " + NftText.address(InetAddress)
                    + ": backends see that address").orElse("snat by masquerade: backends see the balancer's"
                    + " address on their network");
            case Forwarding.Local l -> "local: redirected to ports of this host";
            case Forwarding.Host h -> "host: delivered to this host as addressed, after the farm's guards";
            case Forwarding.Dsr d -> "dsr";
            case Forwarding.StatelessDnat s -> "stateless dnat";
        };
    }

    private static String scheduler(Scheduler s) {
        return switch (s) {
            case Scheduler.RoundRobin r -> "round robin (numgen inc) over the serving backends of the best tier";
            case Scheduler.Weighted w -> "weighted random (numgen random mod " + RulesetCompiler.SLOTS
                    + ") over weight intervals";
            case Scheduler.Hash h -> "hash of " + h.fields().stream().map(x -> x.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .collect(Collectors.joining(" . ")) + " (jhash mod " + RulesetCompiler.SLOTS + "), weighted";
            case Scheduler.SymmetricHash h -> "symmetric hash (symhash mod " + RulesetCompiler.SLOTS + "), weighted";
            case Scheduler.Maglev m -> "maglev consistent hash of " + m.fields().stream()
                    .map(x -> x.name().toLowerCase(Locale.ROOT).replace('_', ' ')).collect(Collectors.joining(" . "))
                    + " (jhash mod " + m.tableSize() + " seed 0x" + Long.toHexString(m.seed()) + "), weighted, "
                    + m.fill().name().toLowerCase(Locale.ROOT).replace('_', ' ') + " fill, in maps "
                    + MaglevSlots.MAP4 + "/" + MaglevSlots.MAP6;
        };
    }
}
