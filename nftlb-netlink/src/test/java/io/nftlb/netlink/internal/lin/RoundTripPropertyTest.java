package io.nftlb.netlink.internal.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.core.ast.Verdict;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.MsgWriter;
import io.nftlb.netlink.internal.codec.NftData;
import io.nftlb.netlink.internal.expr.Counter;
import io.nftlb.netlink.internal.expr.Immediate;
import io.nftlb.netlink.internal.expr.KExpr;
import io.nftlb.netlink.internal.expr.Meta;
import io.nftlb.netlink.internal.msg.KChain;
import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.KFlowtable;
import io.nftlb.netlink.internal.msg.KObj;
import io.nftlb.netlink.internal.msg.KRule;
import io.nftlb.netlink.internal.msg.KSet;
import io.nftlb.netlink.internal.msg.KTable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Round trips without a kernel: every message record encodes and decodes to itself, and every
 * rule of the shapes the linearizer supports reads back (delinearizes) to the rule it came from,
 * through the bytes.
 */
class RoundTripPropertyTest {

    // ---- message records

    static Attrs roundTrip(Consumer<MsgWriter> encode) {
        MsgWriter w = new MsgWriter(256);
        encode.accept(w);
        return Attrs.parse(w.array(), 0, w.position());
    }

    static Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz-_0123456789").ofMinLength(1).ofMaxLength(30);
    }

    static Arbitrary<Bytes> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max).map(Bytes::of);
    }

    static OptionalLong opt(Optional<Long> v) {
        return v.map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    @Property(tries = 200)
    void tables(@ForAll("tableRecords") KTable t) {
        assertEquals(t, KTable.decode(roundTrip(t::encode)));
    }

    @Provide
    Arbitrary<KTable> tableRecords() {
        return Combinators.combine(names(), Arbitraries.integers().between(0, 3)).as(KTable::new);
    }

    @Property(tries = 200)
    void chains(@ForAll("chainRecords") KChain c) {
        assertEquals(c, KChain.decode(roundTrip(c::encode)));
    }

    @Provide
    Arbitrary<KChain> chainRecords() {
        Arbitrary<Optional<KChain.Hook>> hook = Combinators.combine(Arbitraries.of("filter", "nat", "route"),
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(-400, 400),
                Arbitraries.integers().between(0, 1)).as((ty, n, p, pol) -> new KChain.Hook(ty, n, p, pol,
                        Optional.<String>empty())).optional();
        return Combinators.combine(names(), names(), hook).as(KChain::new);
    }

    @Property(tries = 200)
    void sets(@ForAll("setRecords") KSet s) {
        assertEquals(s, KSet.decode(roundTrip(s::encode)));
    }

    @Provide
    Arbitrary<KSet> setRecords() {
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, 0xff);
        Arbitrary<List<Integer>> concat = Arbitraries.integers().between(1, 16).list().ofMaxSize(4);
        return Combinators.combine(names(), names(), flags, Arbitraries.integers().between(1, 50),
                Arbitraries.integers().between(1, 64), Arbitraries.longs().between(1, 1 << 20).optional(), concat,
                bytes(1, 40).optional()).as((table, name, f, type, len, size, cl, ud) -> {
                    boolean map = (f & KSet.F_MAP) != 0;
                    return new KSet(table, name, f, type, len, map ? 7 : 0, map ? 4 : 0, OptionalInt.of(len), opt(size),
                            cl, OptionalLong.empty(), OptionalInt.empty(), ud);
                });
    }

    @Property(tries = 200)
    void elements(@ForAll("elementRecords") KElem e) {
        assertEquals(e, KElem.decode(roundTrip(e::encode)));
    }

    @Provide
    Arbitrary<KElem> elementRecords() {
        Arbitrary<Optional<NftData>> data = Arbitraries.oneOf(List.of(
                bytes(1, 16).map(b -> Optional.<NftData>of(new NftData.Value(b))),
                names().map(c -> Optional.<NftData>of(new NftData.Verdict(NftData.NFT_GOTO, Optional.of(c)))),
                Arbitraries.just(Optional.<NftData>empty())));
        return Combinators.combine(bytes(1, 16), bytes(1, 16).optional(), data, Arbitraries.integers().between(0, 1),
                Arbitraries.longs().between(1, 1L << 40).optional(), bytes(1, 12).optional())
                .as((k, ke, d, f, t, ud) -> new KElem(k, ke, d, f, opt(t), ud));
    }

    @Property(tries = 200)
    void rules(@ForAll("ruleRecords") KRule r) {
        assertEquals(r, KRule.decode(roundTrip(r::encode)));
    }

    @Provide
    Arbitrary<KRule> ruleRecords() {
        Arbitrary<KExpr> expr = Arbitraries.oneOf(List.of(
                Arbitraries.integers().between(1, 4).map(r -> (KExpr) Meta.load(Meta.L4PROTO, r)),
                Arbitraries.just((KExpr) Counter.empty()),
                names().map(c -> (KExpr) new Immediate(0, new NftData.Verdict(NftData.NFT_JUMP, Optional.of(c))))));
        return Combinators.combine(names(), names(), Arbitraries.longs().between(1, 1 << 30).optional(),
                expr.list().ofMaxSize(6), bytes(1, 20).optional())
                .as((t, c, h, ex, ud) -> new KRule(t, c, opt(h), ex, ud));
    }

    @Property(tries = 100)
    void objects(@ForAll("objectRecords") KObj o) {
        assertEquals(o, KObj.decode(roundTrip(o::encode)));
    }

    @Provide
    Arbitrary<KObj> objectRecords() {
        return Combinators.combine(names(), names(), Arbitraries.integers().between(1, 10),
                Arbitraries.longs().between(0, 1L << 40))
                .as((t, n, ty, v) -> new KObj(t, n, ty, Bytes.hex("0c000100" + String.format("%016x", v))));
    }

    @Property(tries = 100)
    void flowtables(@ForAll("flowtableRecords") KFlowtable f) {
        assertEquals(f, KFlowtable.decode(roundTrip(f::encode)));
    }

    @Provide
    Arbitrary<KFlowtable> flowtableRecords() {
        return Combinators.combine(names(), names(), Arbitraries.integers().between(-100, 100),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(15).list().ofMaxSize(3),
                Arbitraries.of(0, KFlowtable.FLAG_COUNTER, 1, 3))
                .as((t, n, p, d, flags) -> new KFlowtable(t, n, 0, p, d, flags));
    }

    // ---- linearize -> delinearize

    static final Expr.Ct CT_MARK = new Expr.Ct(CtKey.MARK);
    static final NamedSet SCHED = NamedSet.map("sched", new Expr.Numgen(Expr.NumgenType.RANDOM, 10000, 0), CT_MARK,
            Set.of(NamedSet.SetFlag.INTERVAL));
    /** The shape of the compiler's {@code sched} since the slot passes through ct mark (host order, interval). */
    static final NamedSet SLOTS = NamedSet.map("slots", CT_MARK, CT_MARK, Set.of(NamedSet.SetFlag.INTERVAL));
    static final NamedSet PERSIST = NamedSet.map("persist", new Expr.Payload(PayloadField.IP_SADDR), CT_MARK,
            Set.of(NamedSet.SetFlag.DYNAMIC, NamedSet.SetFlag.TIMEOUT));
    // No th dport here: after a generated "meta l4proto tcp" it reads back as tcp dport, as nft prints it.
    static final Expr CLIENT = new Expr.Concat(List.of(new Expr.Payload(PayloadField.IP_SADDR),
            new Expr.Payload(PayloadField.IP_DADDR)));
    static final NamedSet METER = NamedSet.set("rate4", CLIENT, Set.of(NamedSet.SetFlag.DYNAMIC,
            NamedSet.SetFlag.TIMEOUT));
    static final NamedSet CONNS = NamedSet.set("bconns", CT_MARK, Set.of(NamedSet.SetFlag.DYNAMIC));
    static final Map<String, NamedSet> NAMED = Map.of("sched", SCHED, "slots", SLOTS, "persist", PERSIST,
            "rate4", METER, "bconns", CONNS);

    static Expr.Addr addr(String s) {
        try {
            return new Expr.Addr(InetAddress.getByName(s));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Provide
    Arbitrary<Rule> rulesOfSupportedShapes() {
        Arbitrary<String> v4 = Arbitraries.integers().between(1, 254).map(i -> "10.0." + i + "." + (i * 7 % 250 + 1));
        Arbitrary<Stmt> match = Arbitraries.oneOf(List.of(
                v4.map(a -> Stmt.Match.eq(new Expr.Payload(PayloadField.IP_DADDR), addr(a))),
                v4.map(a -> new Stmt.Match(new Expr.Payload(PayloadField.IP_SADDR), Stmt.Op.NE, addr(a))),
                Arbitraries.of(6L, 17L).map(p -> Stmt.Match.eq(new Expr.Meta(MetaKey.L4PROTO),
                        new Expr.Int(p, DataType.INET_PROTO))),
                Arbitraries.longs().between(1, 0xffff).map(m -> Stmt.Match.eq(CT_MARK, new Expr.Int(m, DataType.MARK))),
                Arbitraries.just(Stmt.Match.eq(new Expr.Ct(CtKey.STATE),
                        new Expr.Int(CtKey.STATE_NEW, DataType.CT_STATE))),
                Arbitraries.just(Stmt.Match.eq(new Expr.Meta(MetaKey.L4PROTO), new Expr.AnonSet(List.of(
                        Element.of(new Expr.Int(6, DataType.INET_PROTO)),
                        Element.of(new Expr.Int(17, DataType.INET_PROTO))))))));
        Arbitrary<Stmt> action = Arbitraries.oneOf(List.of(
                Arbitraries.just(new Stmt.Counter()),
                Arbitraries.longs().between(1, 0xffff).map(m -> new Stmt.CtSet(CtKey.MARK, new Expr.Int(m, DataType.MARK))),
                Combinators.combine(Arbitraries.of(Expr.NumgenType.values()), Arbitraries.longs().between(1, 10000),
                        Arbitraries.longs().between(0, 3).map(k -> k * 10000)).as((t, mod, off) -> (Stmt)
                                new Stmt.CtSet(CtKey.MARK, new Expr.MapLookup(new Expr.Numgen(t, mod, off),
                                        new Expr.SetRef("sched"), DataType.MARK))),
                // the farm chain's slot, then the shared lookup of lookup-sched
                Combinators.combine(Arbitraries.of(Expr.NumgenType.values()), Arbitraries.longs().between(1, 10000),
                        Arbitraries.longs().between(0, 3).map(k -> k * 10000)).as((t, mod, off) -> (Stmt)
                                new Stmt.CtSet(CtKey.MARK, new Expr.Numgen(t, mod, off))),
                Combinators.combine(Arbitraries.longs().between(1, 10000), Arbitraries.longs().between(0, 1L << 31))
                        .as((mod, off) -> (Stmt) new Stmt.CtSet(CtKey.MARK, new Expr.Symhash(mod, off))),
                Arbitraries.just(new Stmt.CtSet(CtKey.MARK, new Expr.MapLookup(CT_MARK, new Expr.SetRef("slots"),
                        DataType.MARK))),
                v4.map(a -> new Stmt.PayloadSet(PayloadField.IP_DADDR, addr(a))),
                // a delete, which names no timeout
                Arbitraries.just(new Stmt.SetUpdate(Stmt.SetOp.DELETE, "persist", new Expr.Payload(PayloadField.IP_SADDR),
                        Optional.of(CT_MARK), Optional.empty())),
                // A set element that keeps a client's token bucket or a backend's connection count.
                Combinators.combine(Arbitraries.longs().between(1, 100_000), Arbitraries.of(Stmt.TimeUnit.values()),
                        Arbitraries.longs().between(0, 1000), Arbitraries.of(true, false),
                        Arbitraries.integers().between(1, 3600).optional()).as((rate, per, burst, over, ttl) -> (Stmt)
                                new Stmt.SetUpdate(Stmt.SetOp.UPDATE, "rate4", CLIENT, Optional.empty(),
                                        ttl.map(java.time.Duration::ofSeconds),
                                        Optional.of(new Stmt.Limit(rate, per, burst, false, over)))),
                Combinators.combine(Arbitraries.longs().between(1, 1_000_000), Arbitraries.of(true, false))
                        .as((n, over) -> (Stmt) new Stmt.SetUpdate(Stmt.SetOp.ADD, "bconns", CT_MARK,
                                Optional.empty(), Optional.empty(), Optional.of(new Stmt.Connlimit(n, over))))));
        Arbitrary<Stmt> last = Arbitraries.of(new Stmt.Queue(7, 1, true, false), new Stmt.Queue(0, 1, false, false),
                new Stmt.VerdictStmt(Verdict.ACCEPT), new Stmt.VerdictStmt(Verdict.DROP),
                new Stmt.VerdictStmt(Verdict.jump("other")), new Stmt.VerdictStmt(Verdict.goTo("other")),
                new Stmt.VerdictStmt(Verdict.RETURN));
        return Combinators.combine(match.list().ofMaxSize(3), action.list().ofMaxSize(2), last.optional())
                .as((m, a, l) -> {
                    List<Stmt> all = new ArrayList<>(m);
                    all.addAll(a);
                    l.ifPresent(all::add);
                    if (all.isEmpty()) {
                        all.add(new Stmt.Counter());
                    }
                    return new Rule(all, Optional.empty());
                });
    }

    @Property(tries = 300)
    void linearizeThenDelinearizeIsIdentity(@ForAll("rulesOfSupportedShapes") Rule rule) {
        for (Family family : List.of(Family.IP, Family.INET)) {
            int[] id = {100};
            Linearizer.Result r = Linearizer.linearize(family, "t", "c", rule, NAMED::get, () -> id[0]++);
            KRule wire = KRule.decode(roundTrip(r.rule()::encode)); // through the bytes, as the kernel returns it
            Map<String, NamedSet> sets = new HashMap<>(NAMED);
            for (AnonSets a : r.anonSets()) {
                NamedSet s = Sets.fromKernel(a.set());
                sets.put(a.set().name(), s.withElements(SetElements.fromKernel(s, a.elements())));
            }
            assertEquals(rule, Delinearizer.rule(family, wire, sets::get), family + " " + r.rule().exprs());
        }
    }
}
