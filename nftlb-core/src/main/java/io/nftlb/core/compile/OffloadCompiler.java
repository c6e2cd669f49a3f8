package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.CT_MARK;
import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.proto;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Farm;
import io.nftlb.core.FlowOffload;
import io.nftlb.core.Protocol;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.internal.compile.Layout;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Flow offload ({@link FlowOffload}): one flowtable for all offloading farms, on the union of
 * their devices, and one rule in a forward chain that hands their connections to it by conntrack
 * mark ({@code ct mark @offloaded meta l4proto { tcp, udp } flow add @fastpath}). The backends'
 * marks are elements of the set {@value Layout#OFFLOADED}, so farms come and go by elements, as
 * with masquerade; only the device union is part of the table's shape.
 *
 * <p>The rule needs no {@code ct state established}: the kernel's flow offload expression itself
 * waits until conntrack has seen the connection both ways (and skips TCP packets with SYN, FIN
 * or RST), so placing it on every forwarded packet is what {@code nft}'s documentation does.
 */
final class OffloadCompiler {

    /** Priority of the flowtable's ingress hook: the developers guide reserves 50..99 for it. */
    static final int PRIORITY = 50;

    private OffloadCompiler() {}

    /** The flowtable, when some farm offloads. */
    static List<Flowtable> flowtables(List<Farm> farms) {
        Set<String> devices = new TreeSet<>();
        farms.forEach(f -> f.flowOffload().ifPresent(o -> devices.addAll(o.devices())));
        return devices.isEmpty() ? List.of()
                : List.of(new Flowtable(Layout.FLOWTABLE, PRIORITY, List.copyOf(devices), true));
    }

    /** The set of offloaded marks, when some farm offloads. */
    static List<NamedSet> declarations(List<Farm> farms) {
        return farms.stream().anyMatch(f -> f.flowOffload().isPresent())
                ? List.of(NamedSet.set(Layout.OFFLOADED, CT_MARK, Set.of())) : List.of();
    }

    /** The names that make a farm's share of the table's shape: one per device (see {@link FarmParts#optionalSets}). */
    static List<String> shape(Farm farm) {
        return farm.flowOffload().map(o -> o.devices().stream().map(d -> "flowtable " + Layout.FLOWTABLE + " " + d)
                .toList()).orElse(List.of());
    }

    /** The forward chain, when the set is declared. */
    static Optional<Chain> forwardChain(Set<String> declared) {
        if (!declared.contains(Layout.OFFLOADED)) {
            return Optional.empty();
        }
        Expr forwardable = new Expr.AnonSet(List.of(Element.of(proto(Protocol.TCP.number())),
                Element.of(proto(Protocol.UDP.number()))));
        Rule offload = Rule.of(Stmt.Match.eq(CT_MARK, set(Layout.OFFLOADED)), Stmt.Match.eq(L4PROTO, forwardable),
                new Stmt.FlowOffload(Layout.FLOWTABLE));
        return Optional.of(Chain.base(Layout.CHAIN_FORWARD, Chain.Hook.of(Chain.ChainType.FILTER,
                Chain.HookPoint.FORWARD, Chain.PRIORITY_FILTER), List.of(offload)));
    }
}
