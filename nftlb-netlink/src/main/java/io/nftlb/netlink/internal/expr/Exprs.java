package io.nftlb.netlink.internal.expr;

import io.nftlb.netlink.internal.codec.Attr;
import io.nftlb.netlink.internal.codec.Attrs;
import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The registry of expression decoders by kernel name, and the expression list codec. */
public final class Exprs {
    private Exprs() {}

    static final int NFTA_LIST_ELEM = 1, NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;

    /**
     * How deep expressions may nest in what is decoded (a dynset's expression is one level). The
     * kernel keeps only stateful expressions in a dynset, and a dynset is not one, so what it
     * sends nests one level deep; the cap leaves room for a kernel that nests more while
     * refusing input that would recurse without bound.
     */
    static final int MAX_NESTING = 4;

    private static final Map<String, Function<Attrs, KExpr>> DECODERS = Map.ofEntries(
            Map.entry("payload", Payload::decode), Map.entry("meta", Meta::decode), Map.entry("cmp", Cmp::decode),
            Map.entry("bitwise", Bitwise::decode), Map.entry("byteorder", Byteorder::decode),
            Map.entry("range", Range::decode), Map.entry("lookup", Lookup::decode),
            Map.entry("immediate", Immediate::decode),
            Map.entry("numgen", Numgen::decode), Map.entry("hash", Hash::decode), Map.entry("ct", Ct::decode),
            Map.entry("nat", Nat::decode), Map.entry("masq", Masq::decode), Map.entry("redir", Redir::decode),
            Map.entry("counter", Counter::decode), Map.entry("limit", Limit::decode),
            Map.entry("quota", Quota::decode), Map.entry("log", Log::decode), Map.entry("queue", Queue::decode),
            Map.entry("reject", Reject::decode), Map.entry("connlimit", Connlimit::decode),
            Map.entry("objref", Objref::decode), Map.entry("fwd", Fwd::decode), Map.entry("dup", Dup::decode),
            Map.entry("flow_offload", FlowOffload::decode), Map.entry("notrack", Notrack::decode),
            Map.entry("exthdr", Exthdr::decode), Map.entry("fib", Fib::decode));

    /** Names the registry decodes to a typed expression. */
    public static java.util.Set<String> known() {
        return KNOWN;
    }

    /** The registry's names and dynset, decoded apart: it passes its depth on to its expression. */
    private static final java.util.Set<String> KNOWN = java.util.stream.Stream.concat(DECODERS.keySet().stream(),
            java.util.stream.Stream.of("dynset")).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Writes one {@code NFTA_LIST_ELEM { NAME, DATA { ... } }}. */
    public static void encode(KExpr e, MsgWriter w) {
        int elem = w.beginNest(NFTA_LIST_ELEM);
        encodeExpr(e, w);
        w.endNest(elem);
    }

    /** Writes {@code NAME, DATA { ... }} into a nest the caller opened (a list element or a dynset's expression). */
    static void encodeExpr(KExpr e, MsgWriter w) {
        w.str(NFTA_EXPR_NAME, e.name());
        int data = w.beginNest(NFTA_EXPR_DATA);
        e.encode(w);
        w.endNest(data);
    }

    /** Writes the list elements of an expressions nest (the caller opens the nest). */
    public static void encodeAll(List<KExpr> exprs, MsgWriter w) {
        for (KExpr e : exprs) {
            encode(e, w);
        }
    }

    /** Decodes one list element. */
    public static KExpr decode(Attr listElem) {
        return decodeExpr(listElem.nest(), 0);
    }

    /**
     * Decodes {@code NAME, DATA { ... }}: the content of a list element ({@code depth} 0) or of
     * a dynset's expression (one more than the dynset's).
     */
    static KExpr decodeExpr(Attrs a, int depth) {
        String name = a.str(NFTA_EXPR_NAME, "NFTA_EXPR_NAME");
        if (depth > MAX_NESTING) {
            throw new CodecException("expression " + name + " nested " + depth + " deep, more than the "
                    + MAX_NESTING + " this decoder reads");
        }
        Attrs data = a.find(NFTA_EXPR_DATA).map(Attr::nest).orElse(Attrs.parse(Bytes.EMPTY));
        Function<Attrs, KExpr> dec = name.equals("dynset") ? d -> Dynset.decode(d, depth) : DECODERS.get(name);
        if (dec == null) {
            return new Unknown(name, a.find(NFTA_EXPR_DATA).map(Attr::bytes).orElse(Bytes.EMPTY));
        }
        try {
            return dec.apply(data);
        } catch (CodecException e) {
            throw new CodecException("expression " + name + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CodecException("expression " + name + ": " + e, e);
        }
    }

    /** Decodes the content of an expressions nest. */
    public static List<KExpr> decodeAll(Attrs list) {
        List<KExpr> out = new ArrayList<>();
        for (Attr a : list.all()) {
            out.add(decode(a));
        }
        return out;
    }

    /** Encodes a list as a standalone byte string (the content of an expressions nest). */
    public static Bytes toBytes(List<KExpr> exprs) {
        MsgWriter w = new MsgWriter(256);
        encodeAll(exprs, w);
        return w.toBytes();
    }

    /** Decodes a standalone byte string produced by {@link #toBytes}. */
    public static List<KExpr> fromBytes(Bytes b) {
        return decodeAll(Attrs.parse(b));
    }
}
