package io.nftlb.core.compile;

import static io.nftlb.core.compile.Nodes.CT_MARK;
import static io.nftlb.core.compile.Nodes.CT_STATE;
import static io.nftlb.core.compile.Nodes.TH_DPORT;
import static io.nftlb.core.compile.Nodes.concat;
import static io.nftlb.core.compile.Nodes.daddr;
import static io.nftlb.core.compile.Nodes.mark;
import static io.nftlb.core.compile.Nodes.saddr;
import static io.nftlb.core.compile.Nodes.set;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Limits;
import io.nftlb.core.Rate;
import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import io.nftlb.core.internal.compile.Layout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles a farm's {@link Limits} and its backends' connection caps into rules of its chain, and
 * declares the shared dynamic sets they keep their state in.
 *
 * <p>Per-client state is one element per client and virtual service ({@code saddr . daddr . dport},
 * which names the farm as the persistence maps' keys do) in a few sets that all farms share, so
 * the number of sets does not grow with farms: {@code rate4} keeps each client's token bucket
 * ({@code limit rate over}), {@code conns4} its connections ({@code ct count over}), {@code ban4}
 * the clients refused for a while; {@code bconns} counts each backend's connections by its mark.
 * A farm's numbers (rate, count, ban time) are constants of its own rules.
 *
 * <p>A check that fires sets {@link #FLAG} in the new connection's {@code ct mark} (it is 0 until
 * scheduling, and backend marks stay below this bit), so that one evaluation of the stateful check
 * drives both the rate-limited log rule and the verdict rule after it: evaluating a token bucket
 * twice would spend two tokens. With verdict LOG the flag is cleared again and scheduling goes on.
 */
final class LimitsCompiler {

    /** The bit of {@code ct mark} that says "over a limit" while a farm's chain runs. */
    static final long FLAG = Allocation.MARK_LIMIT;

    static final String RATE4 = "rate4", RATE6 = "rate6";
    static final String CONNS4 = "conns4", CONNS6 = "conns6";
    static final String BAN4 = "ban4", BAN6 = "ban6";
    static final String BACKEND_CONNS = "bconns";
    /** Size cap of each limits set (clients tracked at once, all farms); past it a check does not fire. */
    static final int SIZE = 262_144;

    /** A client's rate element lives this long after its last new connection (or one unit of its rate, if longer). */
    static final Duration RATE_IDLE = Duration.ofMinutes(1);

    private LimitsCompiler() {}

    /** The shared sets the farms' limits need (none when no farm has limits). */
    static List<NamedSet> declarations(List<Farm> farms) {
        List<NamedSet> sets = new ArrayList<>();
        Set<SetFlag> timed = Set.of(SetFlag.DYNAMIC, SetFlag.TIMEOUT);
        if (farms.stream().anyMatch(f -> f.limits().newConnections().isPresent())) {
            sets.add(NamedSet.set(RATE4, clientKey(false), timed).withSize(SIZE));
            sets.add(NamedSet.set(RATE6, clientKey(true), timed).withSize(SIZE));
        }
        if (farms.stream().anyMatch(f -> f.limits().connectionsPerClient().isPresent())) {
            sets.add(NamedSet.set(CONNS4, clientKey(false), Set.of(SetFlag.DYNAMIC)).withSize(SIZE));
            sets.add(NamedSet.set(CONNS6, clientKey(true), Set.of(SetFlag.DYNAMIC)).withSize(SIZE));
        }
        if (farms.stream().anyMatch(f -> f.limits().ban().isPresent())) {
            sets.add(NamedSet.set(BAN4, clientKey(false), timed).withSize(SIZE));
            sets.add(NamedSet.set(BAN6, clientKey(true), timed).withSize(SIZE));
        }
        if (farms.stream().anyMatch(LimitsCompiler::capsBackends)) {
            sets.add(NamedSet.set(BACKEND_CONNS, CT_MARK, Set.of(SetFlag.DYNAMIC)).withSize(SIZE));
        }
        sets.addAll(GuardCompiler.declarations(farms));
        return sets;
    }

    /**
     * The farm's chain with its prerouting filter: its helper and client checks first (before anything is scheduled),
     * and each backend's cap wherever the chain settles on a backend: before each rule that
     * accepts a restored mark (persistence, static sessions), and at the end.
     */
    static List<Rule> around(Farm farm, Ids ids, List<Rule> scheduling, List<Boolean> families) {
        Limits limits = farm.limits();
        List<Rule> rules = new ArrayList<>();
        if (GuardCompiler.guarded(farm)) {
            GuardCompiler.everyPacket(rules, limits, families);
        }
        rules.addAll(HelpersCompiler.rules(farm));
        if (limits.tcpStrict()) {
            tcpStrict(rules, limits);
        }
        for (boolean v6 : families) {
            clientChecks(rules, limits, v6);
        }
        farm.inspection().log().ifPresent(log -> rules.add(logged(List.of(), log, log.prefix())));
        // What runs once a backend is chosen: its cap, then the queue, which ends the chain as accept would.
        List<List<Rule>> caps = new ArrayList<>();
        if (marksPackets(farm)) {
            // The base chain marks packets of known connections; a new connection's first packet
            // leaves it through this chain, so it is marked here once its backend is chosen.
            caps.add(List.of(Rule.of(new Stmt.MetaSet(MetaKey.MARK,
                    new Expr.MapLookup(CT_MARK, set(Layout.PACKET_MARKS), DataType.MARK)))));
        }
        caps.addAll(backendCaps(farm, ids));
        Optional<Stmt> queue = farm.inspection().queue().isEmpty() ? Optional.empty()
                : Optional.of(new Stmt.Queue(farm.inspection().queue().getAsInt(), 1, farm.inspection().bypass(),
                        false));
        for (Rule r : scheduling) {
            if (accepts(r)) {
                // Only a restored mark that serves is accepted here; others are rescheduled below.
                Stmt serving = Stmt.Match.eq(CT_MARK, set(Layout.SERVING));
                for (List<Rule> cap : caps) {
                    rules.add(prepend(serving, cap.get(0)));
                    rules.addAll(cap.subList(1, cap.size()));
                }
            }
            rules.add(queue.isPresent() && accepts(r) ? queueInsteadOfAccept(r, queue.get()) : r);
        }
        caps.forEach(rules::addAll);
        queue.ifPresent(q -> rules.add(Rule.of(q)));
        return rules;
    }

    /**
     * Flags every new TCP connection, unflags those opened by a SYN, and flags again those whose
     * first packet also has FIN, RST or ACK: with loose tracking (the default) conntrack takes a
     * mid-stream packet such as a bare ACK for a new connection. Flag matches ("any of these bits")
     * keep it to constant rules without an anonymous set per farm.
     */
    private static void tcpStrict(List<Rule> rules, Limits limits) {
        rules.add(Rule.of(Stmt.Match.eq(Nodes.L4PROTO, Nodes.proto(6)), flag()));
        rules.add(Rule.of(Stmt.Match.eq(TCP_FLAGS, tcpFlags(SYN)), new Stmt.CtSet(CtKey.MARK, mark(0))));
        rules.add(Rule.of(Stmt.Match.eq(TCP_FLAGS, tcpFlags(FIN | RST | ACK)), flag()));
        react(rules, limits, 0, "strict");
    }

    static final Expr TCP_FLAGS = new Expr.Payload(PayloadField.TCP_FLAGS);
    static final long FIN = 0x01, SYN = 0x02, RST = 0x04, ACK = 0x10;

    static Expr tcpFlags(long bits) {
        return new Expr.Int(bits, DataType.TCP_FLAG);
    }

    private static void clientChecks(List<Rule> rules, Limits limits, boolean v6) {
        Expr key = clientKey(v6);
        limits.ban().ifPresent(ttl -> {
            rules.add(Rule.of(Stmt.Match.eq(key, set(v6 ? BAN6 : BAN4)), flag()));
            react(rules, limits, 0, "banned");
        });
        limits.newConnections().ifPresent(rate -> {
            List<Stmt> check = new ArrayList<>(List.of(fresh(), new Stmt.SetUpdate(Stmt.SetOp.UPDATE,
                    v6 ? RATE6 : RATE4, key, Optional.empty(), Optional.of(rateIdle(rate)),
                    Optional.of(limit(rate, true)))));
            limits.ban().ifPresent(ttl -> check.add(new Stmt.SetUpdate(Stmt.SetOp.UPDATE, v6 ? BAN6 : BAN4, key,
                    Optional.empty(), Optional.of(ttl))));
            check.add(flag());
            rules.add(new Rule(check, Optional.empty()));
            react(rules, limits, 0, "rate");
        });
        limits.connectionsPerClient().ifPresent(n -> {
            rules.add(Rule.of(fresh(), new Stmt.SetUpdate(Stmt.SetOp.ADD, v6 ? CONNS6 : CONNS4, key,
                    Optional.empty(), Optional.empty(), Optional.of(new Stmt.Connlimit(n, true))), flag()));
            react(rules, limits, 0, "conns");
        });
    }

    /**
     * The log and verdict rules for a connection flagged over a limit; {@code backendMark} is the
     * mark it had before (0 before scheduling), which verdicts ACCEPT and LOG give back.
     */
    private static void react(List<Rule> rules, Limits limits, long backendMark, String what) {
        Stmt flagged = Stmt.Match.eq(CT_MARK, mark(backendMark | FLAG));
        limits.log().ifPresent(log -> rules.add(logged(List.of(flagged), log, log.prefix() + what + " ")));
        // The counter tells an operator (and the tests) how many connections each check refused.
        rules.add(limits.verdict() == Limits.Verdict.DROP
                ? Rule.of(flagged, new Stmt.Counter(), new Stmt.VerdictStmt(Verdict.DROP))
                : Rule.of(flagged, new Stmt.Counter(), new Stmt.CtSet(CtKey.MARK, mark(backendMark))));
    }

    /** Three rules per capped backend: count it and flag the connection if over, then log, then the verdict. */
    private static List<List<Rule>> backendCaps(Farm farm, Ids ids) {
        List<List<Rule>> caps = new ArrayList<>();
        for (Backend b : farm.backends()) {
            if (b.maxConnections().isEmpty()) {
                continue;
            }
            List<Rule> rules = new ArrayList<>();
            caps.add(rules);
            long m = ids.mark(b.name());
            rules.add(Rule.of(Stmt.Match.eq(CT_MARK, mark(m)), new Stmt.SetUpdate(Stmt.SetOp.ADD, BACKEND_CONNS,
                    CT_MARK, Optional.empty(), Optional.empty(),
                    Optional.of(new Stmt.Connlimit(b.maxConnections().getAsInt(), true))),
                    new Stmt.CtSet(CtKey.MARK, mark(m | FLAG))));
            react(rules, farm.limits(), m, "backend " + b.name());
        }
        return caps;
    }

    private static boolean marksPackets(Farm f) {
        return f.packetMark().isPresent() || f.backends().stream().anyMatch(b -> b.packetMark().isPresent());
    }

    private static boolean capsBackends(Farm f) {
        return f.backends().stream().anyMatch(b -> b.maxConnections().isPresent());
    }

    private static Rule prepend(Stmt first, Rule r) {
        List<Stmt> list = new ArrayList<>();
        list.add(first);
        list.addAll(r.statements());
        return new Rule(list, r.comment());
    }

    private static Rule queueInsteadOfAccept(Rule r, Stmt queue) {
        List<Stmt> list = r.statements().stream().map(st -> st instanceof Stmt.VerdictStmt v
                && v.verdict().kind() == Verdict.Kind.ACCEPT ? queue : st).toList();
        return new Rule(list, r.comment());
    }

    private static boolean accepts(Rule r) {
        return r.statements().stream().anyMatch(s -> s instanceof Stmt.VerdictStmt v
                && v.verdict().kind() == Verdict.Kind.ACCEPT);
    }

    static Expr clientKey(boolean v6) {
        return concat(saddr(v6), daddr(v6), TH_DPORT);
    }

    private static Stmt fresh() {
        return Stmt.Match.eq(CT_STATE, new Expr.Int(CtKey.STATE_NEW, DataType.CT_STATE));
    }

    private static Stmt flag() {
        return new Stmt.CtSet(CtKey.MARK, mark(FLAG));
    }

    static Duration rateIdle(Rate rate) {
        Duration unit = rate.per().getDuration();
        return unit.compareTo(RATE_IDLE) > 0 ? unit : RATE_IDLE;
    }

    /**
     * A rule that logs the packets {@code matches} match with {@code prefix}: at most at the
     * log's rate when it has one ({@code limit} is a match, so over the rate the rule stops
     * before its log and nothing else is lost), else every one of them.
     */
    static Rule logged(List<Stmt> matches, Limits.Log log, String prefix) {
        List<Stmt> statements = new ArrayList<>(matches);
        log.rate().ifPresent(rate -> statements.add(limit(rate, false)));
        statements.add(new Stmt.Log(Optional.of(prefix), Optional.empty(), OptionalInt.empty()));
        return new Rule(statements, Optional.empty());
    }

    static Stmt.Limit limit(Rate rate, boolean over) {
        Stmt.TimeUnit per = switch (rate.per()) {
            case SECONDS -> Stmt.TimeUnit.SECOND;
            case MINUTES -> Stmt.TimeUnit.MINUTE;
            case HOURS -> Stmt.TimeUnit.HOUR;
            case DAYS -> Stmt.TimeUnit.DAY;
            default -> Stmt.TimeUnit.WEEK;
        };
        return new Stmt.Limit(rate.count(), per, rate.burst(), false, over);
    }

    /** For {@code explain}: the farm's limits in words, or empty when it has none. */
    static Optional<String> explain(Farm farm) {
        Limits l = farm.limits();
        List<String> parts = new ArrayList<>();
        l.newConnections().ifPresent(r -> parts.add("new connections per client over " + r + " (set rate4/rate6)"));
        l.connectionsPerClient().ifPresent(n -> parts.add("more than " + n
                + " connections per client (set conns4/conns6)"));
        l.ban().ifPresent(t -> parts.add("clients over the rate are banned for " + t + " (set ban4/ban6)"));
        if (l.tcpStrict()) {
            parts.add("tcp connections not opened by a plain syn, and invalid packets");
        }
        l.resets().ifPresent(r -> parts.add("tcp resets per client over " + r + " (set rst4/rst6)"));
        if (GuardCompiler.guarded(farm)) {
            parts.add("packets of known connections reach the chain through maps guard4/guard4r/guard6/guard6r");
        }
        String caps = farm.backends().stream().filter(b -> b.maxConnections().isPresent())
                .map(b -> b.name() + " " + b.maxConnections().getAsInt()).collect(Collectors.joining(", "));
        if (!caps.isEmpty()) {
            parts.add("backend connection caps " + caps + " (set bconns)");
        }
        List<String> lines = new ArrayList<>();
        if (!parts.isEmpty()) {
            lines.add("limits: " + switch (l.verdict()) {
                        case DROP -> "drops ";
                        case ACCEPT -> "only counts ";
                        case LOG -> "only logs ";
                    }
                    + String.join("; ", parts) + l.log().map(g -> "; logged as \"" + g.prefix() + "<what> \" "
                    + g.rateText()).orElse(""));
        }
        farm.helper().ifPresent(h -> lines.add("helper: " + h.kernelName() + " (ct helper objects "
                + String.join(", ", HelpersCompiler.objects(List.of(farm)).stream().map(o -> o.name()).toList())
                + ")"));
        List<String> shown = new ArrayList<>();
        farm.inspection().log().ifPresent(g -> shown.add("logged as \"" + g.prefix() + "\" " + g.rateText()));
        farm.inspection().queue().ifPresent(q -> shown.add("handed to nfqueue " + q + " once scheduled"
                + (farm.inspection().bypass() ? " (accepted while nobody listens)"
                        : " (dropped while nobody listens)")));
        if (!shown.isEmpty()) {
            lines.add("new connections: " + String.join("; ", shown));
        }
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n  ", lines));
    }
}
