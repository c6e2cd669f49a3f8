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
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.NftData;
import io.nftlb.netlink.internal.expr.Bitwise;
import io.nftlb.netlink.internal.expr.Byteorder;
import io.nftlb.netlink.internal.expr.Cmp;
import io.nftlb.netlink.internal.expr.Connlimit;
import io.nftlb.netlink.internal.expr.Counter;
import io.nftlb.netlink.internal.expr.Ct;
import io.nftlb.netlink.internal.expr.Dup;
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
import io.nftlb.netlink.internal.expr.Payload;
import io.nftlb.netlink.internal.expr.Quota;
import io.nftlb.netlink.internal.expr.Redir;
import io.nftlb.netlink.internal.expr.Reject;
import io.nftlb.netlink.internal.msg.KObj;
import io.nftlb.netlink.internal.msg.KRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Kernel expressions back to AST statements, for the shapes {@link Linearizer} produces:
 * implied {@code meta nfproto}/{@code meta l4proto} matches are dropped again, and
 * {@code th}/{@code tcp}/{@code udp} fields are told apart by those dependencies.
 *
 * <p>Longer than this project's files usually are (about 450 lines): reading a rule back is one
 * pass over its expressions that every case reads and writes the same state of (what each
 * register holds, the last bitwise, the implied matches seen and their positions), so the
 * cases stay together; what needs none of that state is apart ({@link Values}, {@link Sets}).
 */
public final class Delinearizer {

    /** A constant loaded by {@code immediate}, typed when it is used. */
    private record Raw(Bytes bytes) implements Marker {}

    /** A shortened payload load (a prefix match on a byte boundary). */
    private record Short(PayloadField field, int len) implements Marker {}

    private sealed interface Marker permits Raw, Short, IifType {}

    /** The input device's link type, loaded only for nft's implied {@code meta iiftype ether}. */
    private record IifType() implements Marker {}

    private static final IifType IIFTYPE = new IifType();

    private final Family family;
    private final Function<String, NamedSet> sets;
    private final IntFunction<String> devices;
    private final Function<String, Untyped> untyped;
    private final Map<Integer, Object> regs = new HashMap<>();
    private final List<Stmt> out = new ArrayList<>();
    private final Set<Integer> implied = new HashSet<>();
    /** The last {@code meta nfproto} or netdev {@code meta protocol} match: its statement's index and protocol (null: another). */
    private int nfIdx = -1;
    private NfProto nf;
    /** The last {@code meta l4proto} match: its statement's index and protocol number. */
    private int l4Idx = -1;
    private long l4 = -1;
    private Bitwise lastBitwise;

    private Delinearizer(Family family, Function<String, NamedSet> sets, Function<String, Untyped> untyped,
                         IntFunction<String> devices) {
        this.family = family;
        this.sets = sets;
        this.untyped = untyped;
        this.devices = devices;
    }

    /** @param sets named and anonymous sets of the table by kernel name, with their elements */
    public static Rule rule(Family family, KRule rule, Function<String, NamedSet> sets) {
        return rule(family, rule, sets, name -> null, i -> {
            throw new CodecException("device " + i + ": its name in the namespace is needed and no resolver was given");
        });
    }

    /**
     * @param sets named and anonymous sets of the table by kernel name, with their elements
     * @param untyped anonymous maps without key type, by kernel name (null if none)
     * @param devices a device index to its name in the rule's namespace (for fwd and dup)
     */
    public static Rule rule(Family family, KRule rule, Function<String, NamedSet> sets,
                            Function<String, Untyped> untyped, IntFunction<String> devices) {
        Delinearizer d = new Delinearizer(family, sets, untyped, devices);
        for (KExpr e : rule.exprs()) {
            d.expr(e);
        }
        List<Stmt> stmts = new ArrayList<>();
        for (int i = 0; i < d.out.size(); i++) {
            if (!d.implied.contains(i)) {
                stmts.add(d.out.get(i));
            }
        }
        return new Rule(stmts, rule.userdata().flatMap(KRule::comment));
    }

    private Object reg(int r) {
        Object v = regs.get(Registers.slot(r));
        if (v == null) {
            throw new CodecException("register " + r + " read before written");
        }
        return v;
    }

    private Expr expr(int r) {
        if (reg(r) instanceof Expr e) {
            return e;
        }
        throw new CodecException("register " + r + " holds no expression");
    }

    private void put(int r, Object v) {
        regs.put(Registers.slot(r), v);
    }

    private void expr(KExpr e) {
        switch (e) {
            case Meta m when m.dreg() != 0 && m.key() == ImpliedMatches.META_IIFTYPE -> put(m.dreg(), IIFTYPE);
            case Meta m when m.dreg() != 0 -> put(m.dreg(), new Expr.Meta(Typeof.Keys.metaKey(m.key())));
            case Meta m -> out.add(new Stmt.MetaSet(Typeof.Keys.metaKey(m.key()),
                    typed(reg(m.sreg()), Layout.part(Typeof.Keys.metaKey(m.key()).type()))));
            case Ct c when c.dreg() != 0 -> put(c.dreg(), new Expr.Ct(Typeof.Keys.ctKey(c.key())));
            case Ct c -> out.add(new Stmt.CtSet(Typeof.Keys.ctKey(c.key()),
                    typed(reg(c.sreg()), Layout.part(Typeof.Keys.ctKey(c.key()).type()))));
            case Payload p when p.isLoad() -> put(p.dreg(), payload(p));
            case Payload p -> payloadSet(p);
            case Numgen n -> put(n.dreg(), new Expr.Numgen(n.type() == Numgen.INCREMENTAL ? Expr.NumgenType.INC
                    : Expr.NumgenType.RANDOM, n.modulus(), n.offset()));
            case Hash h when h.type() == Hash.SYM -> put(h.dreg(), new Expr.Symhash(h.modulus(), h.offset()));
            case Hash h -> put(h.dreg(), new Expr.Jhash(collect(h.sreg(), h.len()), h.modulus(),
                    h.seed().orElse(0), h.offset()));
            case Byteorder b -> put(b.dreg(), reg(b.sreg()));
            case Immediate i when i.dreg() == 0 -> out.add(new Stmt.VerdictStmt(
                    SetElements.verdict((NftData.Verdict) i.data())));
            case Immediate i -> put(i.dreg(), new Raw(((NftData.Value) i.data()).bytes()));
            case Bitwise b -> lastBitwise = b;
            case Cmp c -> cmp(c);
            case io.nftlb.netlink.internal.expr.Range r -> {
                Expr left = expr(r.sreg());
                Layout.Part p = Layout.of(left).parts().get(0);
                out.add(new Stmt.Match(left, Stmt.Op.NE, new Expr.Range(Values.decode(r.from(), p),
                        Values.decode(r.to(), p))));
            }
            case Lookup l -> lookup(l);
            case Nat n -> nat(n);
            case Masq m -> out.add(new Stmt.Masquerade(natFlags(m.flags())));
            case Redir r -> out.add(new Stmt.Redirect(r.regProtoMin() == 0 ? Optional.empty()
                    : Optional.of(typed(reg(r.regProtoMin()), Layout.part(DataType.INET_SERVICE)))));
            case Counter c -> out.add(new Stmt.Counter());
            case Limit l -> out.add(new Stmt.Limit(l.rate(), java.util.Arrays.stream(Stmt.TimeUnit.values())
                    .filter(u -> u.seconds() == l.unitSeconds()).findFirst()
                    .orElseThrow(() -> new CodecException("limit unit " + l.unitSeconds())), l.burst(),
                    l.type() == Limit.PKT_BYTES, (l.flags() & Limit.F_INV) != 0));
            case Log l -> out.add(new Stmt.Log(l.prefix(),
                    l.level().isPresent() ? Optional.of(Linearizer.LOG_LEVELS.get(l.level().getAsInt()))
                            : Optional.empty(), l.group()));
            case Reject r -> {
                if (r.type() == Reject.TCP_RST) {
                    markL4Implied(L4Proto.TCP);
                }
                out.add(new Stmt.Reject(r.type() == Reject.TCP_RST));
            }
            case Notrack n -> out.add(new Stmt.Notrack());
            case Quota q -> out.add(new Stmt.Quota(q.bytes(), (q.flags() & Quota.F_INV) != 0));
            case Connlimit c -> out.add(new Stmt.Connlimit(c.count(), (c.flags() & Connlimit.F_INV) != 0));
            case Objref o -> out.add(new Stmt.ObjRef(KObj.Type.ofNumber(o.objType())
                    .orElseThrow(() -> new CodecException("unknown object type " + o.objType())).kind(), o.objName()));
            case FlowOffload f -> out.add(new Stmt.FlowOffload(f.flowtable()));
            case Dynset d -> dynset(d);
            case Dup d -> out.add(new Stmt.Dup(address(d.sregAddr()),
                    d.sregDev() == 0 ? Optional.empty() : Optional.of(device(d.sregDev()))));
            case io.nftlb.netlink.internal.expr.Fwd f -> out.add(new Stmt.Fwd(device(f.sregDev()),
                    f.sregAddr() == 0 ? Optional.empty() : Optional.of(address(f.sregAddr()))));
            case io.nftlb.netlink.internal.expr.Queue q -> out.add(new Stmt.Queue(q.num(), q.total(),
                    (q.flags() & 1) != 0, (q.flags() & 2) != 0));
            default -> throw new CodecException("cannot read back expression " + e.name());
        }
    }

    private void markL4Implied(L4Proto proto) {
        if (l4Idx >= 0 && l4 == proto.number) {
            implied.add(l4Idx);
        }
    }

    private Object payload(Payload p) {
        PayloadField.Header h = switch (p.base()) {
            case Payload.BASE_LL -> PayloadField.Header.LINK;
            case Payload.BASE_NETWORK -> PayloadField.Header.NETWORK;
            case Payload.BASE_TRANSPORT -> PayloadField.Header.TRANSPORT;
            default -> throw new CodecException("payload base " + p.base());
        };
        String proto = switch (h) {
            case LINK -> "ether";
            case NETWORK -> family == Family.IP ? NfProto.IPV4.header : family == Family.IP6 ? NfProto.IPV6.header
                    : nf == NfProto.IPV6 ? NfProto.IPV6.header : NfProto.IPV4.header;
            case TRANSPORT -> L4Proto.ofNumber(l4).filter(L4Proto::hasPorts).map(l -> l.header).orElse("th");
        };
        for (PayloadField f : PayloadField.values()) {
            if (f.header() == h && f.protocol().equals(proto) && f.offset() == p.offset()) {
                if (h == PayloadField.Header.NETWORK && (family == Family.INET || family == Family.NETDEV)
                        && nfIdx >= 0) {
                    implied.add(nfIdx);
                }
                if (h == PayloadField.Header.TRANSPORT && !proto.equals("th")) {
                    implied.add(l4Idx);
                }
                return f.length() == p.len() ? new Expr.Payload(f) : new Short(f, p.len());
            }
        }
        throw new CodecException("unknown payload field " + proto + " +" + p.offset() + " len " + p.len());
    }

    /** The address loaded for dup or fwd: its length tells the IP version. */
    private Expr address(int reg) {
        if (!(reg(reg) instanceof Raw raw)) {
            throw new CodecException("register " + reg + " holds no address constant");
        }
        return Values.decode(raw.bytes(), Layout.part(raw.bytes().length() == 16 ? DataType.IPV6_ADDR
                : DataType.IPV4_ADDR));
    }

    /** The device loaded for dup or fwd: an ifindex in host order, named in the rule's namespace. */
    private String device(int reg) {
        if (!(reg(reg) instanceof Raw raw) || raw.bytes().length() != 4) {
            throw new CodecException("register " + reg + " holds no device index");
        }
        return devices.apply(java.nio.ByteBuffer.wrap(raw.bytes().toArray()).order(java.nio.ByteOrder.nativeOrder())
                .getInt());
    }

    /** {@code ip daddr set ...}: a payload write of a whole field (its checksum fix-ups follow from the field). */
    private void payloadSet(Payload p) {
        if (!(payload(p) instanceof Expr.Payload field)) {
            throw new CodecException("payload write of part of a field: +" + p.offset() + " len " + p.len());
        }
        out.add(new Stmt.PayloadSet(field.field(), typed(reg(p.sreg()), Layout.part(field.field().type()))));
    }

    /** Reads {@code len} bytes of registers from {@code reg} as one expression or a concatenation. */
    private Expr collect(int reg, int len) {
        return collect(reg, len, null);
    }

    /**
     * The expression (or concatenation) in registers from {@code reg} on; with the layout of a
     * set's key, a constant among them (a farm's address in a key, say) is read as its part's type.
     */
    private Expr collect(int reg, int len, Layout key) {
        int slot = Registers.slot(reg);
        List<Expr> parts = new ArrayList<>();
        int done = 0;
        while (done < len) {
            Object v = regs.get(slot);
            if (v instanceof Raw r && key != null && parts.size() < key.parts().size()) {
                v = typed(r, key.parts().get(parts.size()));
            }
            if (!(v instanceof Expr e)) {
                throw new CodecException("no expression in slot " + slot);
            }
            parts.add(e);
            int l = (Layout.of(e).length() + 3) & ~3;
            done += l;
            slot += l / 4;
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Concat(parts);
    }

    private Expr typed(Object v, Layout.Part p) {
        if (v instanceof Raw r) {
            return Values.decode(r.bytes(), p);
        }
        return (Expr) v;
    }

    private void cmp(Cmp c) {
        if (regs.get(Registers.slot(c.sreg())) == IIFTYPE) {
            return; // nft's implied "meta iiftype ether" before an ether field: not part of the rule as written
        }
        Object l = reg(c.sreg());
        if (l instanceof Short s) {
            Bytes full = c.data().padTo(s.field().length());
            Expr.Addr a = (Expr.Addr) Values.decode(full, Layout.part(s.field().type()));
            out.add(new Stmt.Match(new Expr.Payload(s.field()), op(c.op()), new Expr.Prefix(a, s.len() * 8)));
            return;
        }
        Expr left = (Expr) l;
        Layout.Part p = Layout.of(left).parts().get(0);
        if (lastBitwise != null && lastBitwise.dreg() == c.sreg() && (c.op() == Cmp.NEQ
                || c.op() == Cmp.EQ && c.data().equals(Bytes.of(new byte[c.data().length()])))
                && Linearizer.isFlagType(left.type())) {
            out.add(new Stmt.Match(left, c.op() == Cmp.NEQ ? Stmt.Op.EQ : Stmt.Op.NONE_OF,
                    Values.decode(lastBitwise.mask(), p)));
            lastBitwise = null;
            return;
        }
        Stmt.Op op = op(c.op());
        Stmt last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (op == Stmt.Op.LE && last instanceof Stmt.Match m && m.left().equals(left) && m.op() == Stmt.Op.GE
                && m.right() instanceof Expr.Const lo) {
            out.set(out.size() - 1, Stmt.Match.eq(left, new Expr.Range(lo, Values.decode(c.data(), p))));
            return;
        }
        Expr v = Values.decode(c.data(), p);
        out.add(new Stmt.Match(left, op, v));
        if (op == Stmt.Op.EQ && family == Family.NETDEV && left instanceof Expr.Meta m
                && m.key() == MetaKey.PROTOCOL && c.data().length() == 2) {
            // netdev's implied "meta protocol ip|ip6" (a big-endian ethertype) before a network header field
            int ethertype = (c.data().toArray()[0] & 0xff) << 8 | c.data().toArray()[1] & 0xff;
            Optional<NfProto> proto = NfProto.ofEthertype(ethertype);
            if (proto.isPresent()) {
                nfIdx = out.size() - 1;
                nf = proto.get();
            }
        }
        if (op == Stmt.Op.EQ && left instanceof Expr.Meta m && v instanceof Expr.Int i) {
            if (m.key() == MetaKey.NFPROTO) {
                nfIdx = out.size() - 1;
                nf = NfProto.ofNumber(i.value()).orElse(null);
            } else if (m.key() == MetaKey.L4PROTO) {
                l4Idx = out.size() - 1;
                l4 = i.value();
            }
        }
    }

    private static Stmt.Op op(int op) {
        return switch (op) {
            case Cmp.EQ -> Stmt.Op.EQ;
            case Cmp.NEQ -> Stmt.Op.NE;
            case Cmp.LT -> Stmt.Op.LT;
            case Cmp.LTE -> Stmt.Op.LE;
            case Cmp.GT -> Stmt.Op.GT;
            case Cmp.GTE -> Stmt.Op.GE;
            default -> throw new CodecException("cmp op " + op);
        };
    }

    private static Expr setExpr(NamedSet s) {
        return s.name().startsWith("__") ? new Expr.AnonSet(s.elements()) : new Expr.SetRef(s.name());
    }

    private void lookup(Lookup l) {
        NamedSet s = sets.apply(l.set());
        if (s == null) {
            Untyped u = untyped.apply(l.set());
            if (u == null) {
                throw new CodecException("rule refers to unknown set " + l.set());
            }
            s = Sets.anonymous(u.set(), collect(l.sreg(), u.set().keyLen()), u.elements());
        }
        Expr key = collect(l.sreg(), Layout.of(s.key()).length());
        Expr set = setExpr(s);
        if (l.dreg().isEmpty()) {
            out.add(new Stmt.Match(key, (l.flags() & Lookup.F_INV) != 0 ? Stmt.Op.NE : Stmt.Op.EQ, set));
        } else if (l.dreg().getAsInt() == 0) {
            out.add(new Stmt.VerdictMap(key, set));
        } else {
            DataType vt = s.data().map(d -> Layout.of(d).parts().get(0).type()).orElse(DataType.INTEGER);
            put(l.dreg().getAsInt(), new Expr.MapLookup(key, set, vt));
        }
    }

    private void nat(Nat n) {
        Family fam = Family.ofNfproto(n.family());
        DataType at = fam == Family.IP ? DataType.IPV4_ADDR : DataType.IPV6_ADDR;
        Optional<Expr> addr = Optional.empty();
        Optional<Expr> port = Optional.empty();
        if (n.regAddrMin() != 0) {
            Expr lo = typed(reg(n.regAddrMin()), Layout.part(at));
            if (n.regAddrMax() != 0 && n.regAddrMax() != n.regAddrMin()) {
                addr = Optional.of(new Expr.Range((Expr.Const) lo, (Expr.Const) typed(reg(n.regAddrMax()),
                        Layout.part(at))));
            } else {
                addr = Optional.of(lo);
            }
        }
        boolean mapPort = addr.isPresent() && addr.get() instanceof Expr.MapLookup;
        if (n.regProtoMin() != 0 && !mapPort) {
            Expr lo = typed(reg(n.regProtoMin()), Layout.part(DataType.INET_SERVICE));
            port = Optional.of(n.regProtoMax() != 0 && n.regProtoMax() != n.regProtoMin()
                    ? new Expr.Range((Expr.Const) lo, (Expr.Const) typed(reg(n.regProtoMax()),
                            Layout.part(DataType.INET_SERVICE))) : lo);
        }
        out.add(new Stmt.Nat(n.type() == Nat.DNAT ? Stmt.NatKind.DNAT : Stmt.NatKind.SNAT, fam, addr, port,
                natFlags(n.flags())));
    }

    private static Set<Stmt.NatFlag> natFlags(int f) {
        Set<Stmt.NatFlag> s = EnumSet.noneOf(Stmt.NatFlag.class);
        if ((f & Nat.F_PROTO_RANDOM) != 0) {
            s.add(Stmt.NatFlag.RANDOM);
        }
        if ((f & Nat.F_PROTO_RANDOM_FULLY) != 0) {
            s.add(Stmt.NatFlag.FULLY_RANDOM);
        }
        if ((f & Nat.F_PERSISTENT) != 0) {
            s.add(Stmt.NatFlag.PERSISTENT);
        }
        return s;
    }

    private void dynset(Dynset d) {
        NamedSet s = sets.apply(d.set());
        if (s == null) {
            throw new CodecException("dynset on unknown set " + d.set());
        }
        Expr key = collect(d.sregKey(), Layout.of(s.key()).length(), Layout.of(s.key()));
        Optional<Expr> data = d.sregData().isPresent() ? Optional.of(expr(d.sregData().getAsInt())) : Optional.empty();
        Stmt.SetOp op = switch (d.op()) {
            case Dynset.OP_ADD -> Stmt.SetOp.ADD;
            case Dynset.OP_UPDATE -> Stmt.SetOp.UPDATE;
            default -> Stmt.SetOp.DELETE;
        };
        // The kernel dumps a timeout of 0 ("the set's default") for a dynset that was given none.
        boolean timeout = d.timeoutMs().isPresent() && d.timeoutMs().getAsLong() != 0;
        out.add(new Stmt.SetUpdate(op, d.set(), key, data,
                timeout ? Optional.of(Duration.ofMillis(d.timeoutMs().getAsLong())) : Optional.empty(),
                d.expr().map(this::statefulStmt)));
    }

    /** The statement of a dynset's stateful expression: read like a rule's own, then taken back out. */
    private Stmt statefulStmt(KExpr e) {
        int before = out.size();
        expr(e);
        if (out.size() != before + 1) {
            throw new CodecException("dynset expression " + e.name() + " is not a stateful statement");
        }
        return out.remove(before);
    }
}
