package io.nftlb.core.internal.compile;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import io.nftlb.core.compile.FarmPart;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The scheduling maps {@code sched<k>} ({@link Layout#SCHED_MAPS} of them) and their lookup
 * chains {@code lookup-sched<k>}, which a table declares only while some farm uses them: map
 * {@code k} is used by the farms whose data-path id is {@code k} modulo 256 and whose chain
 * jumps to its lookup (every farm scheduled by slots, not by a Maglev table). A table with a few
 * farms then shows those farms, not 256 empty maps and their chains; with 256 farms or more,
 * usually all are declared. They come after the other sets and the other lookup chains, so the
 * rest of the table does not move when one comes or goes.
 */
public final class SchedMaps {

    private SchedMaps() {}

    private static final Expr CT_MARK = new Expr.Ct(CtKey.MARK);
    private static final NamedSet[] MAPS = new NamedSet[Layout.SCHED_MAPS];
    private static final Chain[] CHAINS = new Chain[Layout.SCHED_MAPS];

    static {
        for (int k = 0; k < Layout.SCHED_MAPS; k++) {
            String map = Layout.sched(k);
            MAPS[k] = NamedSet.map(map, CT_MARK, CT_MARK, Set.of(NamedSet.SetFlag.INTERVAL));
            CHAINS[k] = Chain.regular(Layout.schedLookupChain(k), slotLookup(List.of(map), List.of()));
        }
    }

    /** The declaration of map {@code sched<k>}: {@code slot : ct mark}, both typed {@code ct mark}, intervals. */
    public static NamedSet map(int k) {
        return MAPS[k];
    }

    /** The chain {@code lookup-sched<k>}, the one rule that reads map {@code k}. */
    public static Chain lookupChain(int k) {
        return CHAINS[k];
    }

    /**
     * {@code [guard] ct mark set ct mark map @<map> return} per map, then {@code ct mark set 0}: a
     * slot with no element (a farm with no serving backend) must not leave the slot number in
     * {@code ct mark}, where it could equal some backend's mark.
     */
    public static List<Rule> slotLookup(List<String> maps, List<Stmt> guards) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            List<Stmt> stmts = new ArrayList<>();
            if (!guards.isEmpty()) {
                stmts.add(guards.get(i));
            }
            stmts.add(new Stmt.CtSet(CtKey.MARK, new Expr.MapLookup(CT_MARK, new Expr.SetRef(maps.get(i)),
                    DataType.MARK)));
            stmts.add(new Stmt.VerdictStmt(Verdict.RETURN));
            rules.add(new Rule(stmts, Optional.empty()));
        }
        rules.add(Rule.of(new Stmt.CtSet(CtKey.MARK, new Expr.Int(0, DataType.MARK))));
        return rules;
    }

    /**
     * The scheduling map {@code part} uses: the one of its farm id if it has elements there or a
     * rule that jumps to its lookup chain.
     */
    public static OptionalInt usedBy(FarmPart part) {
        int k = Math.floorMod(part.farmId(), Layout.SCHED_MAPS);
        if (part.elements().containsKey(MAPS[k].name())) {
            return OptionalInt.of(k);
        }
        Verdict jump = Verdict.jump(CHAINS[k].name());
        for (Rule r : part.chain().rules()) {
            for (Stmt s : r.statements()) {
                if (s instanceof Stmt.VerdictStmt v && v.verdict().equals(jump)) {
                    return OptionalInt.of(k);
                }
            }
        }
        return OptionalInt.empty();
    }

    /** The maps some of {@code parts} use, in order. */
    public static SortedSet<Integer> usedBy(Collection<FarmPart> parts) {
        SortedSet<Integer> used = new TreeSet<>();
        for (FarmPart p : parts) {
            usedBy(p).ifPresent(used::add);
        }
        return used;
    }

    /** Whether {@code name} is one of the scheduling maps. */
    public static boolean isMap(String name) {
        return name.startsWith("sched") && index(name, "sched") >= 0;
    }

    /** Whether {@code name} is the lookup chain of a scheduling map. */
    public static boolean isLookupChain(String name) {
        return name.startsWith("lookup-sched") && index(name, "lookup-sched") >= 0;
    }

    private static int index(String name, String prefix) {
        String digits = name.substring(prefix.length());
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int k = Integer.parseInt(digits);
        return k < Layout.SCHED_MAPS && Integer.toString(k).equals(digits) ? k : -1;
    }
}
