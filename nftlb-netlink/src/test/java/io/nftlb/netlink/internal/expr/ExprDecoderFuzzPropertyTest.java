package io.nftlb.netlink.internal.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.CodecException;
import io.nftlb.netlink.internal.codec.MsgWriter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * A structured fuzzer for the expression decoders. Uniform random bytes almost never form a list
 * element with a known expression name, so they test the attribute parser and hardly any decoder.
 * Here the input is well-formed netlink: list elements with a known expression name (now and
 * then an unknown one) and a data nest of attributes with the decoders' attribute numbers and
 * random payloads (empty, the sizes of u8, be16, be32 and be64, strings, arbitrary bytes, nests,
 * and nested expressions as dynset and others carry them). A decoder may refuse such input only
 * with its own {@link CodecException}; a bug (an index out of bounds, a null, an arithmetic
 * exception) shows as a {@code CodecException} wrapping another runtime exception, which
 * {@link Exprs} does to keep a decoding crash from escaping, and fails the property. What a
 * decoder accepts must encode and decode to itself: a value its field cannot hold is refused.
 */
class ExprDecoderFuzzPropertyTest {

    /** One attribute to write: a leaf with a payload, or a nest of attributes. */
    sealed interface Node permits Leaf, Nest, NestedExpr {}

    record Leaf(int type, Bytes payload) implements Node {}

    record Nest(int type, List<Node> children) implements Node {}

    /** {@code NAME, DATA { ... }} inside a nest of type {@code type}, as a dynset's expression. */
    record NestedExpr(int type, String name, List<Node> data) implements Node {}

    record Element(String name, List<Node> data) {}

    @Provide
    Arbitrary<List<Element>> lists() {
        return element(2).list().ofMinSize(1).ofMaxSize(4);
    }

    private Arbitrary<Element> element(int depth) {
        return Arbitraries.just(0).flatMap(ignored -> { // defer: node() refers back to element()
            Arbitrary<String> name = Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(20, Arbitraries.of(List.copyOf(Exprs.known()))),
                    net.jqwik.api.Tuple.of(1, Arbitraries.of("tproxy", "synproxy", "xt", "")));
            return net.jqwik.api.Combinators.combine(name, node(depth).list().ofMaxSize(7)).as(Element::new);
        });
    }

    private Arbitrary<Node> node(int depth) {
        Arbitrary<Integer> type = Arbitraries.integers().between(1, 12);
        Arbitrary<Bytes> payload = Arbitraries.oneOf(List.of(
                Arbitraries.just(Bytes.EMPTY),
                bytes(1, 1), bytes(2, 2), bytes(4, 4), bytes(8, 8), bytes(16, 16),
                bytes(0, 40),
                Arbitraries.strings().ofMinLength(0).ofMaxLength(20).alpha()
                        .map(s -> Bytes.of((s + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII)))));
        Arbitrary<Node> leaf = net.jqwik.api.Combinators.combine(type, payload).as(Leaf::new);
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Node> nest = net.jqwik.api.Combinators.combine(type,
                Arbitraries.lazy(() -> node(depth - 1)).list().ofMaxSize(4)).as(Nest::new);
        Arbitrary<Node> expr = net.jqwik.api.Combinators.combine(type, Arbitraries.lazy(() -> element(depth - 1)))
                .as((t, e) -> new NestedExpr(t, e.name(), e.data()));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, leaf), net.jqwik.api.Tuple.of(2, nest),
                net.jqwik.api.Tuple.of(1, expr));
    }

    private static Arbitrary<Bytes> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max).map(Bytes::of);
    }

    static Bytes encode(List<Element> list) {
        MsgWriter w = new MsgWriter(256);
        for (Element e : list) {
            int elem = w.beginNest(Exprs.NFTA_LIST_ELEM);
            writeExpr(w, e.name(), e.data());
            w.endNest(elem);
        }
        return w.toBytes();
    }

    private static void writeExpr(MsgWriter w, String name, List<Node> data) {
        w.str(Exprs.NFTA_EXPR_NAME, name);
        int nest = w.beginNest(Exprs.NFTA_EXPR_DATA);
        data.forEach(n -> write(w, n));
        w.endNest(nest);
    }

    private static void write(MsgWriter w, Node n) {
        switch (n) {
            case Leaf l -> w.bytes(l.type(), l.payload());
            case Nest s -> {
                int at = w.beginNest(s.type());
                s.children().forEach(c -> write(w, c));
                w.endNest(at);
            }
            case NestedExpr x -> {
                int at = w.beginNest(x.type());
                writeExpr(w, x.name(), x.data());
                w.endNest(at);
            }
        }
    }

    @Property(tries = 5000)
    void decodersRefuseMalformedExpressionsOnlyWithTheirOwnException(@ForAll("lists") List<Element> list) {
        Bytes input = encode(list);
        String outcome;
        try {
            List<KExpr> decoded = Exprs.fromBytes(input);
            assertEquals(list.size(), decoded.size(), "one expression per list element");
            // What decodes means what it says: it encodes and decodes to itself (no value a field cannot hold).
            assertEquals(decoded, Exprs.fromBytes(Exprs.toBytes(decoded)), "decoded " + decoded);
            outcome = "decoded";
        } catch (CodecException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (!(c instanceof CodecException)) {
                    fail("a decoder crashed on " + list + ": " + c, c);
                }
            }
            outcome = "refused";
        }
        Statistics.label("outcome").collect(outcome);
        Statistics.label("known name").collect(Exprs.known().contains(list.get(0).name()));
    }
}
