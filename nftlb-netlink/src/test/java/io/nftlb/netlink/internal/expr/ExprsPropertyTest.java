package io.nftlb.netlink.internal.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.NftData;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Expression list codec: encode then decode is the identity (malformed input: {@link ExprDecoderFuzzPropertyTest}). */
class ExprsPropertyTest {

    @Provide
    Arbitrary<KExpr> exprs() {
        Arbitrary<Integer> reg = Arbitraries.integers().between(1, 23);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xffff_ffffL);
        Arbitrary<Bytes> data = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16).map(Bytes::of);
        return Arbitraries.oneOf(List.of(
                reg.map(r -> Payload.load(Payload.BASE_NETWORK, 16, 4, r)),
                reg.map(r -> Meta.load(Meta.L4PROTO, r)),
                reg.map(r -> Ct.set(Ct.MARK, r)),
                data.map(d -> new Cmp(1, Cmp.NEQ, d)),
                data.map(d -> new Bitwise(1, 1, d.length(), d, d)),
                u32.map(m -> new Numgen(1, m, Numgen.RANDOM, 7)),
                u32.map(m -> new Hash(Hash.JENKINS, 1, 1, 8, m, OptionalLong.of(3), 0)),
                reg.map(r -> new Lookup("s", OptionalInt.of(2), r, OptionalInt.of(0), 0)),
                reg.map(r -> new Nat(Nat.DNAT, 2, r, 0, 9, 0, 0)),
                u32.map(t -> new Dynset("m", OptionalInt.empty(), Dynset.OP_UPDATE, 1, OptionalInt.of(2),
                        OptionalLong.of(t), 0)),
                u32.map(n -> new Dynset("conns4", OptionalInt.empty(), Dynset.OP_ADD, 1, OptionalInt.empty(),
                        OptionalLong.empty(), 0, Optional.of(new Connlimit(n, 1)))),
                u32.map(r -> new Dynset("rate4", OptionalInt.empty(), Dynset.OP_UPDATE, 1, OptionalInt.empty(),
                        OptionalLong.of(60_000), 0, Optional.of(new Limit(r, 1, 5, Limit.PKTS, Limit.F_INV)))),
                Arbitraries.of(new Immediate(0, new NftData.Verdict(NftData.NFT_GOTO, Optional.of("farm"))),
                        new Masq(4, 0, 0), Counter.empty(), new Notrack(), new Reject(Reject.TCP_RST, 0),
                        new Limit(100, 1, 10, 0, 0), new Quota(100, 0, 1), new Connlimit(10, 1),
                        new Objref(3, "ftp"), new Log(Optional.of("x: "), OptionalInt.empty(), OptionalInt.of(4), 0),
                        new Byteorder(1, 1, Byteorder.HTON, 4, 4), new FlowOffload("ft"),
                        new Unknown("tproxy", Bytes.hex("0800010000000001")))));
    }

    @Provide
    Arbitrary<List<KExpr>> exprLists() {
        return exprs().list().ofMaxSize(8);
    }

    @Property
    void encodeThenDecodeIsIdentity(@ForAll("exprLists") List<KExpr> list) {
        assertEquals(list, Exprs.fromBytes(Exprs.toBytes(list)));
    }
}
