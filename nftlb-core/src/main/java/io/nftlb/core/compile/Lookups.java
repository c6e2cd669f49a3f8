package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.CT_MARK;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Persistence;
import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import io.nftlb.core.internal.compile.Layout;
import io.nftlb.core.internal.compile.SchedMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The shared lookup chains: the only rules that read the maps the control plane changes
 * (the {@code sched<k>} maps, the Maglev tables, static sessions, persistence). Farm chains jump here
 * instead of looking the maps up themselves.
 *
 * <p>Why: the kernel keeps a list of the rules bound to each map (its bindings) and pays for
 * it on changes. Adding an element to a map loops over all of its bindings, and binding a rule
 * to a map walks all of its elements. With one lookup rule per farm chain, 10,000 farms made one
 * weight change cost 16 ms and a full load quadratic; with one rule per map here, both are
 * independent of the number of farms.
 *
 * <p>A farm chain puts its slot number in {@code ct mark} itself ({@code ct mark set numgen
 * random mod 10000 offset <base> jump lookup-sched<k>}, k its map); the lookup replaces it with the backend's
 * mark. A slot without an element (a farm with no serving backend) must not leave the slot
 * number behind, as it could equal some backend's mark: the lookup returns on a hit, and the
 * next rule sets the mark to 0. Static-session and persistence lookups keep the mark on a miss,
 * as the lookups in farm chains did before; their keys ({@code daddr . dport} and the client)
 * already name the farm.
 */
final class Lookups {

    private Lookups() {}

    /** {@code [guard] ct mark set <slot> jump <lookup>}: lookup-sched<k> or lookup-maglev. */
    static Rule schedule(List<Stmt> guard, Expr slot, String lookup) {
        List<Stmt> stmts = new ArrayList<>(guard);
        stmts.add(new Stmt.CtSet(CtKey.MARK, slot));
        stmts.add(jumpTo(lookup));
        return new Rule(stmts, Optional.empty());
    }

    /** {@code jump lookup-static}. */
    static Rule staticSessions() {
        return Rule.of(jumpTo(Layout.CHAIN_LOOKUP_STATIC));
    }

    /** {@code jump lookup-persist-<key>}. */
    static Rule persistence(Persistence.Key key) {
        return Rule.of(jumpTo(Layout.persistenceLookupChain(FarmCompiler.keyName(key))));
    }

    /** The lookup chains of the maps in {@code declared}, in a fixed order (the scheduling maps' last, see {@link SchedMaps}). */
    static List<Chain> chains(Set<String> declared) {
        List<Chain> chains = new ArrayList<>();
        if (declared.contains(MaglevSlots.MAP4)) {
            chains.add(Chain.regular(Layout.CHAIN_LOOKUP_MAGLEV, SchedMaps.slotLookup(List.of(MaglevSlots.MAP4,
                    MaglevSlots.MAP6), List.of(nfproto(2), nfproto(10)))));
        }
        if (declared.contains(Layout.STATIC4)) {
            List<Rule> pinned = new ArrayList<>(List.of(
                    markFrom(FarmCompiler.staticKey(false), Layout.STATIC4),
                    markFrom(FarmCompiler.staticKey(true), Layout.STATIC6)));
            if (declared.contains(Layout.STATIC4_PORT)) {
                // After the address's: a pinned port of a client wins over its pinned address.
                pinned.add(markFrom(FarmCompiler.staticPortKey(false), Layout.STATIC4_PORT));
                pinned.add(markFrom(FarmCompiler.staticPortKey(true), Layout.STATIC6_PORT));
            }
            chains.add(Chain.regular(Layout.CHAIN_LOOKUP_STATIC, pinned));
        }
        for (Persistence.Key key : Persistence.Key.values()) {
            String name = FarmCompiler.keyName(key);
            if (declared.contains(Layout.persistence(name, false))) {
                chains.add(Chain.regular(Layout.persistenceLookupChain(name), List.of(
                        markFrom(FarmCompiler.persistenceKey(key, false), Layout.persistence(name, false)),
                        markFrom(FarmCompiler.persistenceKey(key, true), Layout.persistence(name, true)))));
            }
        }
        // Last, so that the chains above keep their place as scheduling maps come and go.
        for (int k = 0; k < Layout.SCHED_MAPS; k++) {
            if (declared.contains(Layout.sched(k))) {
                chains.add(SchedMaps.lookupChain(k));
            }
        }
        return chains;
    }

    /** {@code ct mark set <key> map @<map>}: on a miss the mark stays as it was. */
    private static Rule markFrom(Expr key, String map) {
        return Rule.of(new Stmt.CtSet(CtKey.MARK, new Expr.MapLookup(key, set(map), DataType.MARK)));
    }

    static Stmt nfproto(int nfproto) {
        return Stmt.Match.eq(new Expr.Meta(MetaKey.NFPROTO), new Expr.Int(nfproto, DataType.NFPROTO));
    }

    private static Stmt jumpTo(String chain) {
        return new Stmt.VerdictStmt(Verdict.jump(chain));
    }
}
