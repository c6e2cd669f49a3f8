package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.NftData;
import io.nftlb.netlink.internal.expr.Bitwise;
import io.nftlb.netlink.internal.expr.Cmp;
import io.nftlb.netlink.internal.expr.Connlimit;
import io.nftlb.netlink.internal.expr.Counter;
import io.nftlb.netlink.internal.expr.Ct;
import io.nftlb.netlink.internal.expr.Dynset;
import io.nftlb.netlink.internal.expr.FlowOffload;
import io.nftlb.netlink.internal.expr.Hash;
import io.nftlb.netlink.internal.expr.Immediate;
import io.nftlb.netlink.internal.expr.KExpr;
import io.nftlb.netlink.internal.expr.Limit;
import io.nftlb.netlink.internal.expr.Log;
import io.nftlb.netlink.internal.expr.Lookup;
import io.nftlb.netlink.internal.expr.Masq;
import io.nftlb.netlink.internal.expr.Meta;
import io.nftlb.netlink.internal.expr.Nat;
import io.nftlb.netlink.internal.expr.Notrack;
import io.nftlb.netlink.internal.expr.Numgen;
import io.nftlb.netlink.internal.expr.Objref;
import io.nftlb.netlink.internal.expr.Dup;
import io.nftlb.netlink.internal.expr.Payload;
import io.nftlb.netlink.internal.expr.Queue;
import io.nftlb.netlink.internal.expr.Quota;
import io.nftlb.netlink.internal.expr.Redir;
import io.nftlb.netlink.internal.expr.Reject;
import io.nftlb.netlink.internal.msg.KObj;
import io.nftlb.netlink.internal.msg.KRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * AST rule to kernel expressions, the way nft 1.0.6 does it: implied protocol dependencies,
 * register allocation, flag matches as bitwise + cmp neq, anonymous sets created alongside.
 * One instance per rule.
 *
 * <p>Longer than this project's files usually are (about 500 lines): statements, matches and
 * value loads all write the same output list, allocate from the same registers and may each
 * imply protocol matches, and they call one another (a stateful statement inside a set update,
 * a map lookup inside a nat address), so they stay one class. The parts that need only some of
 * that state are apart: {@link ImpliedMatches}, {@link SetLookups}, {@link Values}, {@link Layout}.
 */
public final class Linearizer {

    /** What a rule becomes: anonymous sets to create first, then the rule. */
    public record Result(List<AnonSets> anonSets, KRule rule) {}

    private final Family family;
    private final String table;
    private final Function<String, NamedSet> sets;
    private final IntSupplier setIds;
    private final java.util.function.ToIntFunction<String> ifindex;
    private final List<KExpr> out = new ArrayList<>();
    private final List<AnonSets> anon = new ArrayList<>();
    private final Registers regs = new Registers();
    private final ImpliedMatches implied;
    private final SetLookups lookups;

    private Linearizer(Family family, String table, Function<String, NamedSet> sets, IntSupplier setIds,
            java.util.function.ToIntFunction<String> ifindex) {
        this.ifindex = ifindex;
        this.family = family;
        this.table = table;
        this.sets = sets;
        this.setIds = setIds;
        this.implied = new ImpliedMatches(family, out, regs);
        this.lookups = new SetLookups(table, sets, setIds, out, anon);
    }

    /**
     * @param sets the named sets of the table, by name (throws for unknown names)
     * @param setIds batch-wide set id allocator (for anonymous sets)
     */
    public static Result linearize(Family family, String table, String chain, Rule rule,
                                   Function<String, NamedSet> sets, IntSupplier setIds) {
        return linearize(family, table, chain, rule, sets, setIds, dev -> {
            throw new UnsupportedOperationException("device " + dev
                    + ": its ifindex in the target namespace is needed and no resolver was given");
        });
    }

    /** @param ifindex a device name to its index in the target namespace (for fwd and dup) */
    public static Result linearize(Family family, String table, String chain, Rule rule,
                                   Function<String, NamedSet> sets, IntSupplier setIds,
                                   java.util.function.ToIntFunction<String> ifindex) {
        Linearizer l = new Linearizer(family, table, sets, setIds, ifindex);
        for (Stmt s : rule.statements()) {
            l.regs.reset();
            l.stmt(s);
        }
        return new Result(List.copyOf(l.anon), new KRule(table, chain, OptionalLong.empty(), l.out,
                rule.comment().map(KRule::commentUserdata)));
    }

    // ---- statements

    private void stmt(Stmt s) {
        switch (s) {
            case Stmt.Match m -> match(m);
            case Stmt.VerdictStmt v -> out.add(new Immediate(Registers.VERDICT, SetElements.verdict(v.verdict())));
            case Stmt.VerdictMap vm -> {
                int slot = lookupKey(vm.key(), vm.map());
                out.add(lookups.lookup(vm.key(), vm.map(), slot, OptionalInt.of(Registers.VERDICT), 0, Optional.empty(),
                        true));
            }
            case Stmt.CtSet c -> {
                int slot = value(c.value(), Layout.part(c.key().type()));
                out.add(Ct.set(Typeof.Keys.ct(c.key()), Registers.reg(slot)));
            }
            case Stmt.MetaSet m -> {
                int slot = value(m.value(), Layout.part(m.key().type()));
                out.add(Meta.set(Typeof.Keys.meta(m.key()), Registers.reg(slot)));
            }
            case Stmt.Nat n -> nat(n);
            case Stmt.Masquerade m -> out.add(new Masq(natFlags(m.flags()), 0, 0));
            case Stmt.Redirect r -> {
                if (r.port().isPresent()) {
                    int slot = value(r.port().get(), Layout.part(DataType.INET_SERVICE));
                    out.add(new Redir(Registers.reg(slot), Registers.reg(slot), Nat.F_PROTO_SPECIFIED));
                } else {
                    out.add(new Redir(0, 0, 0));
                }
            }
            case Stmt.Counter c -> out.add(Counter.empty());
            case Stmt.Limit l -> out.add(new Limit(l.rate(), l.per().seconds(), (int) l.burst(),
                    l.bytes() ? Limit.PKT_BYTES : Limit.PKTS, l.over() ? Limit.F_INV : 0));
            case Stmt.Log l -> out.add(new Log(l.prefix(), l.group(),
                    l.level().map(v -> OptionalInt.of(logLevel(v))).orElse(OptionalInt.empty()), 0));
            case Stmt.Reject r -> reject(r);
            case Stmt.SetUpdate u -> setUpdate(u);
            case Stmt.Notrack n -> out.add(new Notrack());
            case Stmt.Queue q -> out.add(new Queue(q.num(), Math.max(1, q.total()),
                    (q.bypass() ? Queue.F_BYPASS : 0) | (q.fanout() ? Queue.F_CPU_FANOUT : 0)));
            case Stmt.Connlimit c -> out.add(new Connlimit(c.count(), c.over() ? Connlimit.F_INV : 0));
            case Stmt.Quota q -> out.add(new Quota(q.bytes(), 0, q.over() ? Quota.F_INV : 0));
            case Stmt.ObjRef o -> out.add(new Objref(KObj.Type.of(o.kind()).number(), o.name()));
            case Stmt.FlowOffload f -> out.add(new FlowOffload(f.flowtable()));
            case Stmt.PayloadSet p -> payloadSet(p);
            case Stmt.Fwd f -> fwd(f);
            case Stmt.Dup d -> dup(d);
        }
    }

    static final List<String> LOG_LEVELS = List.of("emerg", "alert", "crit", "err", "warn", "notice", "info",
            "debug", "audit");

    private static int logLevel(String s) {
        int i = LOG_LEVELS.indexOf(s);
        if (i < 0) {
            throw new IllegalArgumentException("unknown log level " + s);
        }
        return i;
    }

    private void reject(Stmt.Reject r) {
        if (r.tcpReset()) {
            implied.require(Implied.l4proto(L4Proto.TCP));
            out.add(new Reject(Reject.TCP_RST, 0));
        } else {
            out.add(switch (family) {
                case IP -> new Reject(Reject.ICMP_UNREACH, 3);
                case IP6 -> new Reject(Reject.ICMP_UNREACH, 4);
                default -> new Reject(Reject.ICMPX_UNREACH, 1);
            });
        }
    }

    private static int natFlags(Set<Stmt.NatFlag> flags) {
        int f = 0;
        for (Stmt.NatFlag x : flags) {
            f |= switch (x) {
                case RANDOM -> Nat.F_PROTO_RANDOM;
                case FULLY_RANDOM -> Nat.F_PROTO_RANDOM_FULLY;
                case PERSISTENT -> Nat.F_PERSISTENT;
            };
        }
        return f;
    }

    private void nat(Stmt.Nat n) {
        int type = n.kind() == Stmt.NatKind.DNAT ? Nat.DNAT : Nat.SNAT;
        int fam = n.family().nfproto();
        int flags = natFlags(n.flags());
        DataType addrType = n.family() == Family.IP ? DataType.IPV4_ADDR : DataType.IPV6_ADDR;
        int addrMin = 0;
        int addrMax = 0;
        int protoMin = 0;
        int protoMax = 0;
        if (n.address().isPresent()) {
            Expr a = n.address().get();
            if (a instanceof Expr.MapLookup m) {
                int slot = load(m);
                addrMin = Registers.reg(slot);
                if (m.map() instanceof Expr.SetRef ref) {
                    NamedSet s = sets.apply(ref.name());
                    Optional<Layout> d = Sets.dataLayout(s);
                    if (d.isPresent() && d.get().isConcat()) {
                        protoMin = Registers.reg(slot + d.get().parts().get(0).padded() / 4);
                    }
                }
            } else if (a instanceof Expr.Range r) {
                int lo = value(r.low(), Layout.part(addrType));
                int hi = value(r.high(), Layout.part(addrType));
                addrMin = Registers.reg(lo);
                addrMax = Registers.reg(hi);
                flags |= Nat.F_MAP_IPS;
            } else {
                int slot = value(a, Layout.part(addrType));
                addrMin = addrMax = Registers.reg(slot);
                flags |= Nat.F_MAP_IPS;
            }
        }
        if (n.port().isPresent()) {
            Expr p = n.port().get();
            if (p instanceof Expr.Range r) {
                protoMin = Registers.reg(value(r.low(), Layout.part(DataType.INET_SERVICE)));
                protoMax = Registers.reg(value(r.high(), Layout.part(DataType.INET_SERVICE)));
            } else {
                protoMin = protoMax = Registers.reg(value(p, Layout.part(DataType.INET_SERVICE)));
            }
            flags |= Nat.F_PROTO_SPECIFIED;
        }
        out.add(new Nat(type, fam, addrMin, addrMax, protoMin, protoMax, flags));
    }

    private void setUpdate(Stmt.SetUpdate u) {
        NamedSet s = sets.apply(u.set());
        // The data's implied matches too, before any register is taken: a 36-byte IPv6 key and
        // an ether address fill all 64 bytes, so nothing is left for them afterwards (nft does the same).
        hoistDependencies(u.key());
        u.data().ifPresent(this::hoistDependencies);
        int keySlot = load(u.key());
        OptionalInt dataReg = OptionalInt.empty();
        if (u.data().isPresent()) {
            dataReg = OptionalInt.of(Registers.reg(load(u.data().get())));
        }
        int op = switch (u.op()) {
            case ADD -> Dynset.OP_ADD;
            case UPDATE -> Dynset.OP_UPDATE;
            case DELETE -> Dynset.OP_DELETE;
        };
        out.add(new Dynset(s.name(), OptionalInt.empty(), op, Registers.reg(keySlot), dataReg,
                u.timeout().map(t -> OptionalLong.of(t.toMillis())).orElse(OptionalLong.empty()), 0,
                u.stateful().map(this::statefulExpr)));
    }

    /** The one kernel expression of a stateful statement (limit, ct count...), kept in a set element. */
    private KExpr statefulExpr(Stmt st) {
        int before = out.size();
        stmt(st);
        if (out.size() != before + 1) {
            throw new IllegalStateException("stateful statement " + st + " is not one expression");
        }
        return out.remove(before);
    }

    // ---- matches

    private void match(Stmt.Match m) {
        Expr left = m.left();
        Expr right = m.right();
        if (right instanceof Expr.AnonSet || right instanceof Expr.SetRef) {
            int slot = lookupKey(left, right);
            out.add(lookups.lookup(left, right, slot, OptionalInt.empty(), m.op() == Stmt.Op.NE ? Lookup.F_INV : 0,
                    Optional.empty(), false));
            return;
        }
        if (right instanceof Expr.Prefix p && left instanceof Expr.Payload pl && p.length() % 8 == 0) {
            implied.before(pl.field());
            int slot = regs.alloc(p.length() / 8);
            out.add(Payload.load(base(pl.field()), pl.field().offset(), p.length() / 8, Registers.reg(slot)));
            out.add(new Cmp(Registers.reg(slot), cmpOp(m.op()), Values.prefixBounds(p)[0].slice(0, p.length() / 8)));
            return;
        }
        int slot = load(left);
        int reg = Registers.reg(slot);
        Layout.Part part = Layout.of(left).parts().get(0);
        switch (right) {
            case Expr.Prefix p -> {
                Bytes[] b = Values.prefixBounds(p);
                Bytes mask = Values.prefixBounds(new Expr.Prefix(zero(p.address()), p.length()))[1];
                Bytes notMask = invert(mask);
                out.add(new Bitwise(reg, reg, b[0].length(), notMask, Bytes.of(new byte[b[0].length()])));
                out.add(new Cmp(reg, cmpOp(m.op()), b[0]));
            }
            case Expr.Range r when m.op() == Stmt.Op.EQ -> {
                out.add(new Cmp(reg, Cmp.GTE, Values.encode(r.low(), part)));
                out.add(new Cmp(reg, Cmp.LTE, Values.encode(r.high(), part)));
            }
            case Expr.Range r -> out.add(new io.nftlb.netlink.internal.expr.Range(reg, Cmp.NEQ,
                    Values.encode(r.low(), part), Values.encode(r.high(), part)));
            default -> {
                Bytes v = Values.encode(right, part);
                if (isFlagType(left.type()) && (m.op() == Stmt.Op.EQ || m.op() == Stmt.Op.NONE_OF)) {
                    // any of the bits (EQ): (x & bits) != 0; none of them (NONE_OF): (x & bits) == 0
                    out.add(new Bitwise(reg, reg, v.length(), v, Bytes.of(new byte[v.length()])));
                    out.add(new Cmp(reg, m.op() == Stmt.Op.EQ ? Cmp.NEQ : Cmp.EQ, Bytes.of(new byte[v.length()])));
                } else {
                    out.add(new Cmp(reg, cmpOp(m.op()), v));
                }
                if (m.op() == Stmt.Op.EQ && left instanceof Expr.Meta meta && right instanceof Expr.Int i) {
                    if (meta.key() == MetaKey.L4PROTO) {
                        implied.stated(new Implied(Implied.Key.L4PROTO, i.value()));
                    } else if (meta.key() == MetaKey.NFPROTO) {
                        implied.stated(new Implied(Implied.Key.NFPROTO, i.value()));
                    }
                }
            }
        }
    }

    private static Expr.Addr zero(Expr.Addr a) {
        try {
            return new Expr.Addr(java.net.InetAddress.getByAddress(new byte[a.address().getAddress().length]));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Bytes invert(Bytes b) {
        byte[] a = b.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) ~a[i];
        }
        return Bytes.of(a);
    }

    static boolean isFlagType(DataType t) {
        return t == DataType.CT_STATE || t == DataType.CT_STATUS || t == DataType.TCP_FLAG;
    }

    private static int cmpOp(Stmt.Op op) {
        return switch (op) {
            case EQ -> Cmp.EQ;
            case NE -> Cmp.NEQ;
            case LT -> Cmp.LT;
            case GT -> Cmp.GT;
            case LE -> Cmp.LTE;
            case GE -> Cmp.GTE;
            case NONE_OF -> throw new IllegalArgumentException("! (none of these bits) applies to flag types only");
        };
    }

    // ---- lookups

    /** Loads the key of a lookup, converting host-order keys to network order for interval sets. */
    private int lookupKey(Expr key, Expr set) {
        int slot = load(key);
        lookups.hton(key, set, slot);
        return slot;
    }

    // ---- loading values into registers

    /** Puts a value (a constant or an expression) into a fresh register; returns its slot. */
    private int value(Expr e, Layout.Part part) {
        if (e instanceof Expr.Const c) {
            Bytes v = Values.encode(c, part);
            int slot = regs.alloc(v.length());
            out.add(new Immediate(Registers.reg(slot), new NftData.Value(v)));
            return slot;
        }
        return load(e);
    }

    /** Emits the implied matches of every header field {@code e} reads, each in a register of its own, released at once. */
    private void hoistDependencies(Expr e) {
        switch (e) {
            case Expr.Payload p -> implied.before(p.field());
            case Expr.Concat c -> c.parts().forEach(this::hoistDependencies);
            case Expr.Jhash j -> hoistDependencies(j.input());
            case Expr.MapLookup m -> hoistDependencies(m.key());
            default -> { }
        }
    }

    /** Loads an expression into fresh registers; returns the first slot. */
    private int load(Expr e) {
        hoistDependencies(e); // before the value's registers, as nft does: it then needs no more than its own
        int len = Layout.of(e).length();
        if (e instanceof Expr.MapLookup m) {
            len = Math.max(len, Layout.of(m.key()).length());
            if (m.map() instanceof Expr.SetRef ref) {
                len = Math.max(len, Sets.dataLayout(sets.apply(ref.name())).map(Layout::length).orElse(0));
            }
        }
        int slot = regs.alloc(len);
        loadAt(e, slot);
        return slot;
    }

    private void loadAt(Expr e, int slot) {
        int reg = Registers.reg(slot);
        switch (e) {
            case Expr.Payload p -> {
                implied.before(p.field());
                out.add(Payload.load(base(p.field()), p.field().offset(), p.field().length(), reg));
            }
            case Expr.Meta m -> out.add(Meta.load(Typeof.Keys.meta(m.key()), reg));
            case Expr.Ct c -> out.add(Ct.load(Typeof.Keys.ct(c.key()), reg));
            case Expr.Numgen n -> out.add(new Numgen(reg, n.modulus(),
                    n.mode() == Expr.NumgenType.INC ? Numgen.INCREMENTAL : Numgen.RANDOM, n.offset()));
            case Expr.Jhash j -> {
                loadAt(j.input(), slot);
                out.add(new Hash(Hash.JENKINS, reg, reg, Layout.of(j.input()).length(), j.modulus(),
                        java.util.OptionalLong.of(j.seed()), // the AST always names its seed, as the rendered text does
                        j.offset()));
            }
            case Expr.Symhash s -> out.add(new Hash(Hash.SYM, 0, reg, 0, s.modulus(), OptionalLong.empty(),
                    s.offset()));
            case Expr.Concat c -> {
                // dependencies of all parts first, as nft does
                for (Expr p : c.parts()) {
                    if (p instanceof Expr.Payload pl) {
                        implied.before(pl.field());
                    }
                }
                int s = slot;
                for (Expr p : c.parts()) {
                    loadAt(p, s);
                    s += Layout.of(p).length() + 3 >> 2;
                }
            }
            case Expr.MapLookup m -> {
                loadAt(m.key(), slot);
                lookups.hton(m.key(), m.map(), slot);
                out.add(lookups.lookup(m.key(), m.map(), slot, OptionalInt.of(reg), 0, Optional.of(m.valueType()), false));
            }
            case Expr.Const c -> out.add(new Immediate(reg, new NftData.Value(Values.encode(c, Layout.of(c)))));
            default -> throw new UnsupportedOperationException("cannot load " + e);
        }
    }

    /**
     * {@code ip daddr set 10.0.0.1}, {@code tcp dport set 8080}: as nft 1.0.6 does it
     * (netlink_gen_payload_stmt), the header's own checksum is fixed up (CSUM_INET at the
     * checksum's offset: ip 10, tcp 16, udp 6; none for ip6 and th), and an address change
     * also asks for the L4 pseudo-header checksum update.
     */
    private void payloadSet(Stmt.PayloadSet p) {
        PayloadField f = p.field();
        implied.before(f);
        int slot = value(p.value(), Layout.part(f.type()));
        int csumOffset = switch (f.protocol()) {
            case "ip" -> 10;
            case "tcp" -> 16;
            case "udp" -> 6;
            default -> -1;
        };
        boolean address = (f.protocol().equals("ip") || f.protocol().equals("ip6"))
                && (f.field().equals("saddr") || f.field().equals("daddr"));
        out.add(Payload.write(base(f), f.offset(), f.length(), Registers.reg(slot),
                csumOffset < 0 ? Payload.CSUM_NONE : Payload.CSUM_INET, Math.max(csumOffset, 0), address ? 1 : 0));
    }

    /** {@code dup to ADDRESS [device NAME]}: address, then the device's ifindex (host order), as nft. */
    private void dup(Stmt.Dup d) {
        int slot = value(d.address(), Layout.part(isV6(d.address()) ? DataType.IPV6_ADDR : DataType.IPV4_ADDR));
        int dev = d.device().map(this::device).orElse(0);
        out.add(new Dup(Registers.reg(slot), dev));
    }

    /** {@code fwd to NAME} / {@code fwd ip to ADDRESS device NAME} (netdev family). */
    private void fwd(Stmt.Fwd f) {
        int dev = device(f.device());
        if (f.address().isEmpty()) {
            out.add(new io.nftlb.netlink.internal.expr.Fwd(dev, 0, 0));
            return;
        }
        boolean v6 = isV6(f.address().get());
        int slot = value(f.address().get(), Layout.part(v6 ? DataType.IPV6_ADDR : DataType.IPV4_ADDR));
        out.add(new io.nftlb.netlink.internal.expr.Fwd(dev, Registers.reg(slot), v6 ? 10 : 2));
    }

    private static boolean isV6(Expr e) {
        return e instanceof Expr.Addr a && a.address() instanceof java.net.Inet6Address;
    }

    /** Loads a device's ifindex (4 bytes, host order, like meta iif) into a register; returns it. */
    private int device(String name) {
        int index = ifindex.applyAsInt(name);
        int slot = regs.alloc(4);
        out.add(new Immediate(Registers.reg(slot), new NftData.Value(Bytes.of(java.nio.ByteBuffer.allocate(4)
                .order(java.nio.ByteOrder.nativeOrder()).putInt(index).array()))));
        return Registers.reg(slot);
    }

    private static int base(PayloadField f) {
        return switch (f.header()) {
            case LINK -> Payload.BASE_LL;
            case NETWORK -> Payload.BASE_NETWORK;
            case TRANSPORT -> Payload.BASE_TRANSPORT;
        };
    }
}
