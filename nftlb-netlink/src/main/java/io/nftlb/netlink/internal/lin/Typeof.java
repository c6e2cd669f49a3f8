package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.MetaKey;
import io.nftlb.core.ast.PayloadField;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.msg.Udata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * nft's {@code typeof} user-data TLVs for a set key or map data expression, as nft 1.0.6
 * writes them (captured with {@code nlcap.py} from {@code nft -f} of {@code set s { typeof ... }};
 * see src/test/resources/golden/README.md). nft reads them back to print {@code typeof ...}.
 */
final class Typeof {
    private Typeof() {}

    // nft's enum expr_types values it stores in NFTNL_UDATA_SET_TYPEOF_EXPR
    static final int EXPR_VERDICT = 1, EXPR_PAYLOAD = 7, EXPR_META = 9, EXPR_CT = 12, EXPR_CONCAT = 13,
            EXPR_NUMGEN = 23, EXPR_HASH = 24;
    static final int TYPEOF_EXPR = 0, TYPEOF_DATA = 1;

    /** nft's proto description id and template index of each payload field. */
    private record Desc(int desc, int tmpl) {}

    private static final Map<PayloadField, Desc> PAYLOAD = Map.ofEntries(
            Map.entry(PayloadField.ETHER_DADDR, new Desc(17, 1)), Map.entry(PayloadField.ETHER_SADDR, new Desc(17, 2)),
            Map.entry(PayloadField.IP_PROTOCOL, new Desc(12, 9)), Map.entry(PayloadField.IP_SADDR, new Desc(12, 11)),
            Map.entry(PayloadField.IP_DADDR, new Desc(12, 12)), Map.entry(PayloadField.IP6_NEXTHDR, new Desc(13, 6)),
            Map.entry(PayloadField.IP6_SADDR, new Desc(13, 8)), Map.entry(PayloadField.IP6_DADDR, new Desc(13, 9)),
            Map.entry(PayloadField.TCP_SPORT, new Desc(8, 1)), Map.entry(PayloadField.TCP_DPORT, new Desc(8, 2)),
            Map.entry(PayloadField.UDP_SPORT, new Desc(6, 1)), Map.entry(PayloadField.UDP_DPORT, new Desc(6, 2)),
            Map.entry(PayloadField.SCTP_SPORT, new Desc(10, 1)), Map.entry(PayloadField.SCTP_DPORT, new Desc(10, 2)),
            Map.entry(PayloadField.TH_SPORT, new Desc(11, 1)), Map.entry(PayloadField.TH_DPORT, new Desc(11, 2)));

    /** The typeof TLVs (EXPR + DATA) of {@code e}. */
    static Bytes encode(Expr e) {
        Udata.Builder b = Udata.builder();
        switch (e) {
            case Expr.Payload p -> {
                Desc d = PAYLOAD.get(p.field());
                if (d == null) {
                    throw new IllegalArgumentException("typeof " + p.field().text() + " is not supported");
                }
                b.u32(TYPEOF_EXPR, EXPR_PAYLOAD).nest(TYPEOF_DATA, Udata.builder().u32(0, d.desc()).u32(1, d.tmpl()).build());
            }
            case Expr.Meta m -> b.u32(TYPEOF_EXPR, EXPR_META).nest(TYPEOF_DATA,
                    Udata.builder().u32(0, Keys.meta(m.key())).build());
            case Expr.Ct c -> b.u32(TYPEOF_EXPR, EXPR_CT).nest(TYPEOF_DATA,
                    Udata.builder().u32(0, Keys.ct(c.key())).u32(1, 0xffffffffL).build());
            case Expr.Numgen n -> b.u32(TYPEOF_EXPR, EXPR_NUMGEN).nest(TYPEOF_DATA, Udata.builder()
                    .u32(0, n.mode() == Expr.NumgenType.INC ? 0 : 1).u32(1, n.modulus()).u32(2, n.offset()).build());
            case Expr.Jhash j -> b.u32(TYPEOF_EXPR, EXPR_HASH).nest(TYPEOF_DATA, Udata.builder().u32(0, 0)
                    .u32(1, j.offset()).u32(2, j.modulus()).u32(3, j.seed()).u32(4, 1).build());
            case Expr.Symhash s -> b.u32(TYPEOF_EXPR, EXPR_HASH).nest(TYPEOF_DATA, Udata.builder().u32(0, 1)
                    .u32(1, s.offset()).u32(2, s.modulus()).u32(3, 0).u32(4, 0).build());
            case Expr.Concat c -> {
                Udata.Builder parts = Udata.builder();
                for (int i = 0; i < c.parts().size(); i++) {
                    parts.nest(i, encode(c.parts().get(i)));
                }
                b.u32(TYPEOF_EXPR, EXPR_CONCAT).nest(TYPEOF_DATA, parts.build());
            }
            default -> throw new IllegalArgumentException("typeof " + e + " is not supported");
        }
        return b.build();
    }

    /** The typeof TLVs nft writes for a verdict map's data. */
    static Bytes verdict() {
        return Udata.builder().u32(TYPEOF_EXPR, EXPR_VERDICT).nest(TYPEOF_DATA, Bytes.EMPTY).build();
    }

    /** Decodes typeof TLVs; empty for the verdict pseudo-expression. */
    static java.util.Optional<Expr> decode(Bytes tlvs) {
        List<Udata.Tlv> l = Udata.parse(tlvs);
        long kind = find(l, TYPEOF_EXPR).u32();
        List<Udata.Tlv> d = l.stream().filter(t -> t.type() == TYPEOF_DATA).findFirst().map(Udata.Tlv::nested)
                .orElse(List.of());
        return java.util.Optional.ofNullable(switch ((int) kind) {
            case EXPR_VERDICT -> null;
            case EXPR_PAYLOAD -> {
                Desc want = new Desc((int) find(d, 0).u32(), (int) find(d, 1).u32());
                yield new Expr.Payload(PAYLOAD.entrySet().stream().filter(en -> en.getValue().equals(want))
                        .map(Map.Entry::getKey).findFirst()
                        .orElseThrow(() -> new CodecException("unknown typeof payload " + want)));
            }
            case EXPR_META -> new Expr.Meta(Keys.metaKey((int) find(d, 0).u32()));
            case EXPR_CT -> new Expr.Ct(Keys.ctKey((int) find(d, 0).u32()));
            case EXPR_NUMGEN -> new Expr.Numgen(find(d, 0).u32() == 0 ? Expr.NumgenType.INC : Expr.NumgenType.RANDOM,
                    find(d, 1).u32(), find(d, 2).u32());
            case EXPR_HASH -> find(d, 0).u32() == 1 ? new Expr.Symhash(find(d, 2).u32(), find(d, 1).u32())
                    : new Expr.Jhash(new Expr.Int(0, DataType.INTEGER), find(d, 2).u32(), find(d, 3).u32(),
                            find(d, 1).u32());
            case EXPR_CONCAT -> {
                List<Expr> parts = new ArrayList<>();
                for (Udata.Tlv t : d) {
                    parts.add(decode(t.value()).orElseThrow(() -> new CodecException("verdict inside concat")));
                }
                yield new Expr.Concat(parts);
            }
            default -> throw new CodecException("unknown typeof expression " + kind);
        });
    }

    private static Udata.Tlv find(List<Udata.Tlv> l, int type) {
        return l.stream().filter(t -> t.type() == type).findFirst()
                .orElseThrow(() -> new CodecException("typeof: missing TLV " + type));
    }

    /** nft's byte-order tag of an expression's value (BYTEORDER_HOST_ENDIAN 1, BIG_ENDIAN 2). */
    static int byteorder(Expr e) {
        return switch (e) {
            case Expr.Payload p -> 2;
            case Expr.Concat c -> 0;
            default -> 1;
        };
    }

    /** Keeps MetaKey/CtKey to kernel numbers in one place. */
    static final class Keys {
        private Keys() {}

        static int meta(MetaKey k) {
            return switch (k) {
                case LENGTH -> 0;
                case PROTOCOL -> 1;
                case PRIORITY -> 2;
                case MARK -> 3;
                case IIF -> 4;
                case OIF -> 5;
                case IIFNAME -> 6;
                case OIFNAME -> 7;
                case NFTRACE -> 12;
                case NFPROTO -> 15;
                case L4PROTO -> 16;
                case PKTTYPE -> 19;
            };
        }

        static MetaKey metaKey(int n) {
            for (MetaKey k : MetaKey.values()) {
                if (meta(k) == n) {
                    return k;
                }
            }
            throw new CodecException("unsupported meta key " + n);
        }

        static int ct(CtKey k) {
            return switch (k) {
                case STATE -> 0;
                case DIRECTION -> 1;
                case STATUS -> 2;
                case MARK -> 3;
                case EXPIRATION -> 5;
                case L3PROTOCOL -> 7;
                case PROTOCOL -> 10;
                case ZONE -> 17;
            };
        }

        static CtKey ctKey(int n) {
            for (CtKey k : CtKey.values()) {
                if (ct(k) == n) {
                    return k;
                }
            }
            throw new CodecException("unsupported ct key " + n);
        }
    }
}
