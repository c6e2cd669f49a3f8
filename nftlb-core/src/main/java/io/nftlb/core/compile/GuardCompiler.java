package io.nftlb.core.compile;

import static io.nftlb.core.compile.LimitsCompiler.RST;
import static io.nftlb.core.compile.LimitsCompiler.SIZE;
import static io.nftlb.core.compile.LimitsCompiler.TCP_FLAGS;
import static io.nftlb.core.compile.LimitsCompiler.clientKey;
import static io.nftlb.core.compile.LimitsCompiler.limit;
import static io.nftlb.core.compile.LimitsCompiler.rateIdle;
import static io.nftlb.core.compile.LimitsCompiler.tcpFlags;
import static io.nftlb.core.compile.Nodes.CT_STATE;
import static io.nftlb.core.compile.Nodes.L4PROTO;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Farm;
import io.nftlb.core.Limits;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import io.nftlb.core.internal.compile.Layout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The checks of every packet of a farm, not only of its new connections: tcp strict's invalid
 * packets and a client's reset rate. The farms maps only see new connections, so a second
 * dispatch, the guard maps ({@code guard4}, {@code guard4r}, {@code guard6}, {@code guard6r}:
 * the same keys, each jumping to the farm's chain) takes the other packets there; the chain
 * returns them to the base chain once checked. Declared only when some farm needs them.
 */
final class GuardCompiler {

    static final String RESETS4 = "rst4", RESETS6 = "rst6";
    static final String GUARD4 = "guard4", GUARD4_RANGES = "guard4r", GUARD6 = "guard6", GUARD6_RANGES = "guard6r";

    /** Each farms map and its guard map, in table order. */
    private static final List<Map.Entry<String, String>> GUARD_OF = List.of(Map.entry(Layout.FARMS4, GUARD4),
            Map.entry(Layout.FARMS4_RANGES, GUARD4_RANGES), Map.entry(Layout.FARMS6, GUARD6),
            Map.entry(Layout.FARMS6_RANGES, GUARD6_RANGES));

    private GuardCompiler() {}

    /** Whether the farm checks every packet: then it has guard elements. */
    static boolean guarded(Farm f) {
        return f.limits().tcpStrict() || f.limits().resets().isPresent();
    }

    /** The reset-rate sets and the guard maps, when some farm needs them. */
    static List<NamedSet> declarations(List<Farm> farms) {
        List<NamedSet> sets = new ArrayList<>();
        if (farms.stream().anyMatch(f -> f.limits().resets().isPresent())) {
            Set<SetFlag> timed = Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT);
            sets.add(NamedSet.set(RESETS4, clientKey(false), timed).withSize(SIZE));
            sets.add(NamedSet.set(RESETS6, clientKey(true), timed).withSize(SIZE));
        }
        if (farms.stream().anyMatch(GuardCompiler::guarded)) {
            Set<SetFlag> interval = Set.of(SetFlag.INTERVAL);
            sets.add(NamedSet.verdictMap(GUARD4, dispatchKey(false), Set.of()));
            sets.add(NamedSet.verdictMap(GUARD4_RANGES, dispatchKey(false), interval));
            sets.add(NamedSet.verdictMap(GUARD6, dispatchKey(true), Set.of()));
            sets.add(NamedSet.verdictMap(GUARD6_RANGES, dispatchKey(true), interval));
        }
        return sets;
    }

    private static Expr dispatchKey(boolean v6) {
        return concat(L4PROTO, daddr(v6), TH_DPORT);
    }

    /** The base chain's rules that send packets of known connections to guarded farms (none if no farm is). */
    static List<Rule> guardRules(Set<String> declared) {
        if (!declared.contains(GUARD4)) {
            return List.of();
        }
        Stmt known = new Stmt.Match(CT_STATE, Stmt.Op.NE, new Expr.Int(CtKey.STATE_NEW, DataType.CT_STATE));
        List<Rule> rules = new ArrayList<>();
        for (Map.Entry<String, String> e : GUARD_OF) {
            // jump, not goto: the farm's chain returns, and the base chain goes on (packet marks).
            rules.add(Rule.of(known, new Stmt.VerdictMap(dispatchKey(e.getValue().startsWith("guard6")),
                    set(e.getValue()))));
        }
        return rules;
    }

    /** A guarded farm's guard elements: its dispatch keys, jumping to its chain. */
    static Map<String, List<Element>> guardElements(Farm farm, String chain, Map<String, List<Element>> dispatch) {
        Map<String, List<Element>> guards = new LinkedHashMap<>();
        if (!guarded(farm)) {
            return guards;
        }
        Expr jump = new Expr.VerdictValue(Verdict.jump(chain));
        for (Map.Entry<String, String> e : GUARD_OF) {
            List<Element> keys = dispatch.getOrDefault(e.getKey(), List.of());
            if (!keys.isEmpty()) {
                guards.put(e.getValue(), keys.stream().map(k -> Element.of(k.key(), jump)).toList());
            }
        }
        return guards;
    }

    /**
     * The checks of every packet, which the guard maps jump to for packets of known connections:
     * invalid ones (tcp strict) and a client's resets over its rate. A packet that is not new
     * returns to the base chain after them. These verdicts are on packets, not connections, so
     * they cannot use the connection's flag: a reset refusal is logged by its own rule, not
     * rate-limited separately (each line is one refused reset).
     */
    private static Expr tcpClientKey(boolean v6) {
        return Nodes.concat(Nodes.saddr(v6), Nodes.daddr(v6), new Expr.Payload(PayloadField.TCP_DPORT));
    }

    static void everyPacket(List<Rule> rules, Limits limits, List<Boolean> families) {
        boolean drop = limits.verdict() == Limits.Verdict.DROP;
        if (limits.tcpStrict()) {
            Stmt invalid = Stmt.Match.eq(CT_STATE, new Expr.Int(CtKey.STATE_INVALID, DataType.CT_STATE));
            limits.log().ifPresent(log -> rules.add(LimitsCompiler.logged(List.of(invalid), log,
                    log.prefix() + "invalid ")));
            rules.add(drop ? Rule.of(invalid, new Stmt.Counter(), new Stmt.VerdictStmt(Verdict.DROP))
                    : Rule.of(invalid, new Stmt.Counter()));
        }
        limits.resets().ifPresent(rate -> {
            for (boolean v6 : families) {
                List<Stmt> check = new ArrayList<>(List.of(Stmt.Match.eq(TCP_FLAGS, tcpFlags(RST)),
                        // tcp dport, not th dport: after the tcp flags match that is how the kernel's
                        // readback (and nft) names the same bytes, so the rule reads back as written.
                        new Stmt.SetUpdate(Stmt.SetOp.UPDATE, v6 ? RESETS6 : RESETS4, tcpClientKey(v6), Optional.empty(),
                                Optional.of(rateIdle(rate)), Optional.of(limit(rate, true)))));
                limits.log().ifPresent(log -> check.add(new Stmt.Log(Optional.of(log.prefix() + "resets "),
                        Optional.empty(), OptionalInt.empty())));
                check.add(new Stmt.Counter());
                if (drop) {
                    check.add(new Stmt.VerdictStmt(Verdict.DROP));
                }
                rules.add(new Rule(check, Optional.empty()));
            }
        });
        rules.add(Rule.of(new Stmt.Match(CT_STATE, Stmt.Op.NE, new Expr.Int(CtKey.STATE_NEW, DataType.CT_STATE)),
                new Stmt.VerdictStmt(Verdict.RETURN)));
    }
}
