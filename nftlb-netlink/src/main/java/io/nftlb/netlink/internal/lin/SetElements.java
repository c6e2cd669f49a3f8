package io.nftlb.netlink.internal.lin;

import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.NamedSet.SetFlag;
import io.nftlb.core.ast.Verdict;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.NftData;
import io.nftlb.netlink.internal.msg.KElem;
import io.nftlb.netlink.internal.msg.Udata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A named set's elements to kernel elements, and back: interval sets as nft writes them (a start
 * element and an end element per interval, sorted, with a leading end at zero), concatenated
 * intervals with their key-end attribute, timeouts, comments in user data, and verdicts.
 */
public final class SetElements {
    private SetElements() {}

    /** Kernel elements for AST elements of {@code s}; interval sets get their end elements. */
    public static List<KElem> toKernel(NamedSet s, List<Element> elements, boolean forDelete) {
        Layout key = Sets.keyLayout(s);
        Optional<Layout> data = Sets.dataLayout(s);
        boolean interval = s.flags().contains(SetFlag.INTERVAL);
        List<KElem> out = new ArrayList<>(elements.size() * (interval ? 2 : 1));
        if (interval && !key.isConcat()) {
            List<Element> sorted = new ArrayList<>(elements);
            List<Bytes[]> bounds = new ArrayList<>();
            for (Element e : sorted) {
                bounds.add(bounds(e.key(), key));
            }
            Integer[] order = new Integer[sorted.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (i, j) -> bounds.get(i)[0].compareUnsigned(bounds.get(j)[0]));
            boolean first = true;
            for (int i : order) {
                Element e = sorted.get(i);
                Bytes lo = bounds.get(i)[0];
                Bytes end = Values.increment(bounds.get(i)[1]);
                if (first && !forDelete && !Values.isZero(lo)) {
                    out.add(KElem.intervalEnd(Bytes.of(new byte[lo.length()])));
                }
                first = false;
                out.add(element(e, lo, Optional.empty(), s, data, forDelete));
                if (end != null) {
                    out.add(KElem.intervalEnd(end));
                }
            }
            return out;
        }
        for (Element e : elements) {
            if (interval) {
                Bytes[] b = concatBounds(e.key(), key);
                out.add(element(e, b[0], Optional.of(b[1]), s, data, forDelete));
            } else {
                out.add(element(e, Values.encode(e.key(), key), Optional.empty(), s, data, forDelete));
            }
        }
        return out;
    }

    private static KElem element(Element e, Bytes key, Optional<Bytes> keyEnd, NamedSet s, Optional<Layout> data,
                                 boolean forDelete) {
        Optional<NftData> d = Optional.empty();
        if (!forDelete && e.data().isPresent()) {
            Expr v = e.data().get();
            if (v instanceof Expr.VerdictValue vv) {
                d = Optional.of(verdict(vv.verdict()));
            } else {
                d = Optional.of(new NftData.Value(Values.encode(v, data.orElseThrow(
                        () -> new IllegalArgumentException("set " + s.name() + " is not a data map")))));
            }
        }
        return new KElem(key, keyEnd, d, 0,
                forDelete ? OptionalLong.empty()
                        : e.timeout().map(t -> OptionalLong.of(t.toMillis())).orElse(OptionalLong.empty()),
                forDelete ? Optional.empty() : e.comment().map(c -> Udata.builder().str(Sets.UD_ELEM_COMMENT, c).build()));
    }

    static NftData.Verdict verdict(Verdict v) {
        int code = switch (v.kind()) {
            case ACCEPT -> NftData.NF_ACCEPT;
            case DROP -> NftData.NF_DROP;
            case CONTINUE -> NftData.NFT_CONTINUE;
            case RETURN -> NftData.NFT_RETURN;
            case JUMP -> NftData.NFT_JUMP;
            case GOTO -> NftData.NFT_GOTO;
        };
        return new NftData.Verdict(code, v.chain());
    }

    static Verdict verdict(NftData.Verdict v) {
        return switch (v.code()) {
            case NftData.NF_ACCEPT -> Verdict.ACCEPT;
            case NftData.NF_DROP -> Verdict.DROP;
            case NftData.NFT_CONTINUE -> Verdict.CONTINUE;
            case NftData.NFT_RETURN -> Verdict.RETURN;
            case NftData.NFT_JUMP -> Verdict.jump(v.chain().orElseThrow(() -> new CodecException("jump without chain")));
            case NftData.NFT_GOTO -> Verdict.goTo(v.chain().orElseThrow(() -> new CodecException("goto without chain")));
            default -> throw new CodecException("unknown verdict code " + v.code());
        };
    }

    /** First and last key of a single-part interval element. */
    private static Bytes[] bounds(Expr k, Layout layout) {
        Layout.Part p = layout.parts().get(0);
        return switch (k) {
            case Expr.Range r -> new Bytes[] {Values.encode(r.low(), p), Values.encode(r.high(), p)};
            case Expr.Prefix pf -> Values.prefixBounds(pf);
            default -> {
                Bytes v = Values.encode(k, p);
                yield new Bytes[] {v, v};
            }
        };
    }

    /** Start and end key of a concatenated interval element (ranges per part). */
    private static Bytes[] concatBounds(Expr k, Layout layout) {
        List<Expr> parts = k instanceof Expr.Concat c ? c.parts() : List.of(k);
        Bytes lo = Bytes.EMPTY;
        Bytes hi = Bytes.EMPTY;
        for (int i = 0; i < parts.size(); i++) {
            Layout.Part p = layout.parts().get(i);
            Bytes[] b = bounds(parts.get(i), new Layout(List.of(p)));
            lo = lo.concat(b[0].padTo(p.padded()));
            hi = hi.concat(b[1].padTo(p.padded()));
        }
        return new Bytes[] {lo, hi};
    }

    /** AST elements from kernel elements (interval pairs merged back into ranges). */
    public static List<Element> fromKernel(NamedSet s, List<KElem> kelems) {
        Layout key = Sets.keyLayout(s);
        Optional<Layout> data = Sets.dataLayout(s);
        boolean interval = s.flags().contains(SetFlag.INTERVAL);
        List<Element> out = new ArrayList<>();
        if (interval && !key.isConcat()) {
            List<KElem> sorted = new ArrayList<>(kelems);
            sorted.sort(Comparator.comparing(KElem::key, Bytes::compareUnsigned)
                    .thenComparing(e -> e.isIntervalEnd() ? 0 : 1));
            Layout.Part p = key.parts().get(0);
            for (int i = 0; i < sorted.size(); i++) {
                KElem start = sorted.get(i);
                if (start.isIntervalEnd()) {
                    continue;
                }
                Bytes last = null;
                for (int j = i + 1; j < sorted.size(); j++) {
                    if (sorted.get(j).isIntervalEnd()) {
                        last = Values.decrement(sorted.get(j).key());
                        break;
                    }
                }
                Expr k = rangeExpr(start.key(), last == null ? allOnes(start.key().length()) : last, p);
                out.add(element(k, start, data));
            }
            return out;
        }
        for (KElem e : kelems) {
            Expr k;
            if (interval && e.keyEnd().isPresent()) {
                List<Expr> parts = new ArrayList<>();
                int off = 0;
                for (Layout.Part p : key.parts()) {
                    parts.add(rangeExpr(e.key().slice(off, off + p.len()), e.keyEnd().get().slice(off, off + p.len()), p));
                    off += p.padded();
                }
                k = parts.size() == 1 ? parts.get(0) : new Expr.Concat(parts);
            } else {
                k = Values.decode(e.key(), key);
            }
            out.add(element(k, e, data));
        }
        return out;
    }

    private static Element element(Expr k, KElem e, Optional<Layout> data) {
        Optional<Expr> d = e.data().map(x -> switch (x) {
            case NftData.Verdict v -> new Expr.VerdictValue(verdict(v));
            case NftData.Value v -> Values.decode(v.bytes(), data.orElseThrow(
                    () -> new CodecException("element data in a set without data")));
        });
        return new Element(k, d,
                e.timeoutMs().isPresent() ? Optional.of(Duration.ofMillis(e.timeoutMs().getAsLong())) : Optional.empty(),
                e.userdata().flatMap(SetElements::comment));
    }

    /** The comment in an element's user data (nft's NFTNL_UDATA_SET_ELEM_COMMENT), if any. */
    private static Optional<String> comment(Bytes userdata) {
        for (Udata.Tlv t : Udata.parse(userdata)) {
            if (t.type() == Sets.UD_ELEM_COMMENT) {
                return Optional.of(t.str());
            }
        }
        return Optional.empty();
    }

    private static Bytes allOnes(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0xff);
        return Bytes.of(b);
    }

    /** A value, a prefix, or a range, the way nft prints an interval [lo, hi]. */
    static Expr rangeExpr(Bytes lo, Bytes hi, Layout.Part p) {
        if (lo.equals(hi)) {
            return Values.decode(lo, p);
        }
        if (p.type() == DataType.IPV4_ADDR || p.type() == DataType.IPV6_ADDR) {
            int prefix = prefixLength(lo, hi);
            if (prefix >= 0) {
                return new Expr.Prefix((Expr.Addr) Values.decode(lo, p), prefix);
            }
        }
        return new Expr.Range(Values.decode(lo, p), Values.decode(hi, p));
    }

    private static int prefixLength(Bytes lo, Bytes hi) {
        int bits = lo.length() * 8;
        int n = 0;
        while (n < bits && bit(lo, n) == bit(hi, n)) {
            n++;
        }
        for (int i = n; i < bits; i++) {
            if (bit(lo, i) != 0 || bit(hi, i) != 1) {
                return -1;
            }
        }
        return n;
    }

    private static int bit(Bytes b, int i) {
        return (b.get(i / 8) >>> (7 - i % 8)) & 1;
    }
}
