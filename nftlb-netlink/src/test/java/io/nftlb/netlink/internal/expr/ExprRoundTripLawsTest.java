package io.nftlb.netlink.internal.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.netlink.internal.codec.Bytes;
import io.nftlb.netlink.internal.codec.NftData;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * One law per kernel expression type: any value its attributes can carry encodes and decodes to
 * itself, and encodes again to the same bytes. Each field ranges over what its attribute holds
 * (a be32 register or flag word any int, a be16 0..65535, a u8 0..255, a be64 any long), so a
 * field written with the wrong width or read with the wrong default shows up; fields the kernel
 * reads only in some forms (checksums of a payload write, the source of a jhash, the family of
 * a fwd to an address) are zero otherwise, as encoding leaves them out. {@link ExprsPropertyTest}
 * mixes types in lists; {@link ExprDecoderFuzzPropertyTest} feeds malformed input.
 */
class ExprRoundTripLawsTest {

    static void roundTrips(KExpr e) {
        Bytes encoded = Exprs.toBytes(List.of(e));
        List<KExpr> decoded = Exprs.fromBytes(encoded);
        assertEquals(List.of(e), decoded);
        assertEquals(encoded, Exprs.toBytes(decoded), "re-encoded bytes");
    }

    /** Every type the registry decodes has a law below (the names, as the kernel spells them). */
    @Test
    void everyKnownExpressionHasALaw() {
        Set<String> laws = java.util.Arrays.stream(ExprRoundTripLawsTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Property.class)).map(m -> m.getName())
                .collect(Collectors.toSet());
        for (String name : Exprs.known()) {
            String law = name.replace("_", "") + "RoundTrips";
            assertTrue(laws.stream().anyMatch(l -> l.equalsIgnoreCase(law)), "no law " + law + " for " + name);
        }
    }

    // ---- field domains

    static Arbitrary<Integer> be32() {
        return Arbitraries.integers();
    }

    static Arbitrary<Long> u32() {
        return Arbitraries.longs().between(0, 0xffff_ffffL);
    }

    static Arbitrary<Integer> be16() {
        return Arbitraries.integers().between(0, 0xffff);
    }

    static Arbitrary<Integer> u8() {
        return Arbitraries.integers().between(0, 0xff);
    }

    static Arbitrary<Long> be64() {
        return Arbitraries.longs();
    }

    static Arbitrary<Bytes> value() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64).map(Bytes::of);
    }

    static Arbitrary<String> name() {
        return Arbitraries.strings().withCharRange('a', 'z').withChars('_', '-', '.', ' ', '0', '9')
                .ofMinLength(0).ofMaxLength(32);
    }

    static Arbitrary<OptionalInt> optionalBe32() {
        return be32().map(OptionalInt::of).injectNull(0.2).map(o -> o == null ? OptionalInt.empty() : o);
    }

    // ---- the laws, one per type

    @Property
    void payloadRoundTrips(@ForAll("payloads") Payload e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Payload> payloads() {
        Arbitrary<Payload> load = Combinators.combine(be32(), be32(), be32(), be32())
                .as((dreg, base, off, len) -> new Payload(dreg, base, off, len, 0, 0, 0, 0));
        Arbitrary<Payload> write = Combinators.combine(be32(), be32(), be32(), be32().filter(r -> r != 0), be32(),
                be32(), be32()).as((base, off, len, sreg, type, csumOff, flags) ->
                new Payload(0, base, off, len, sreg, type, csumOff, flags));
        return Arbitraries.oneOf(load, write);
    }

    @Property
    void metaRoundTrips(@ForAll int key, @ForAll int dreg, @ForAll int sreg) {
        roundTrips(new Meta(key, dreg, sreg));
    }

    @Property
    void cmpRoundTrips(@ForAll int sreg, @ForAll int op, @ForAll("values") Bytes data) {
        roundTrips(new Cmp(sreg, op, data));
    }

    @Provide
    Arbitrary<Bytes> values() {
        return value();
    }

    @Property
    void bitwiseRoundTrips(@ForAll int sreg, @ForAll int dreg, @ForAll int len, @ForAll("values") Bytes mask,
                           @ForAll("values") Bytes xor) {
        roundTrips(new Bitwise(sreg, dreg, len, mask, xor));
    }

    @Property
    void byteorderRoundTrips(@ForAll int sreg, @ForAll int dreg, @ForAll int op, @ForAll int len, @ForAll int size) {
        roundTrips(new Byteorder(sreg, dreg, op, len, size));
    }

    @Property
    void rangeRoundTrips(@ForAll int sreg, @ForAll int op, @ForAll("values") Bytes from, @ForAll("values") Bytes to) {
        roundTrips(new Range(sreg, op, from, to));
    }

    @Property
    void lookupRoundTrips(@ForAll("names") String set, @ForAll("optionalInts") OptionalInt setId, @ForAll int sreg,
                          @ForAll("optionalInts") OptionalInt dreg, @ForAll int flags) {
        roundTrips(new Lookup(set, setId, sreg, dreg, flags));
    }

    @Provide
    Arbitrary<String> names() {
        return name();
    }

    @Provide
    Arbitrary<OptionalInt> optionalInts() {
        return optionalBe32();
    }

    @Property
    void dynsetRoundTrips(@ForAll("dynsets") Dynset e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Dynset> dynsets() {
        Arbitrary<OptionalLong> timeout = be64().map(OptionalLong::of).injectNull(0.3)
                .map(o -> o == null ? OptionalLong.empty() : o);
        Arbitrary<Optional<KExpr>> stateful = Arbitraries.oneOf(limits(), quotas(), connlimits(), counters())
                .map(e -> Optional.<KExpr>of(e)).injectNull(0.4).map(o -> o == null ? Optional.empty() : o);
        return Combinators.combine(name(), optionalBe32(), be32(), be32(), optionalBe32(), timeout, be32(), stateful)
                .as(Dynset::new);
    }

    @Property
    void immediateRoundTrips(@ForAll int dreg, @ForAll("data") NftData data) {
        roundTrips(new Immediate(dreg, data));
    }

    @Provide
    Arbitrary<NftData> data() {
        Arbitrary<NftData> verdict = Combinators.combine(be32(), name().injectNull(0.5))
                .as((code, chain) -> new NftData.Verdict(code, Optional.ofNullable(chain)));
        return Arbitraries.oneOf(value().map(NftData.Value::new), verdict);
    }

    @Property
    void numgenRoundTrips(@ForAll int dreg, @ForAll("u32s") long modulus, @ForAll int type,
                          @ForAll("u32s") long offset) {
        roundTrips(new Numgen(dreg, modulus, type, offset));
    }

    @Provide
    Arbitrary<Long> u32s() {
        return u32();
    }

    @Property
    void hashRoundTrips(@ForAll("hashes") Hash e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Hash> hashes() {
        Arbitrary<OptionalLong> seed = u32().map(OptionalLong::of).injectNull(0.3)
                .map(o -> o == null ? OptionalLong.empty() : o);
        Arbitrary<Hash> jenkins = Combinators.combine(be32(), be32(), be32(), u32(), seed, u32())
                .as((sreg, dreg, len, mod, s, off) -> new Hash(Hash.JENKINS, sreg, dreg, len, mod, s, off));
        Arbitrary<Hash> other = Combinators.combine(be32().filter(t -> t != Hash.JENKINS), be32(), u32(), seed, u32())
                .as((type, dreg, mod, s, off) -> new Hash(type, 0, dreg, 0, mod, s, off));
        return Arbitraries.oneOf(jenkins, other);
    }

    @Property
    void ctRoundTrips(@ForAll int key, @ForAll int dreg, @ForAll int sreg, @ForAll("directions") OptionalInt dir) {
        roundTrips(new Ct(key, dreg, sreg, dir));
    }

    @Provide
    Arbitrary<OptionalInt> directions() {
        return u8().map(OptionalInt::of).injectNull(0.3).map(o -> o == null ? OptionalInt.empty() : o);
    }

    @Property
    void natRoundTrips(@ForAll int type, @ForAll int family, @ForAll int addrMin, @ForAll int addrMax,
                       @ForAll int protoMin, @ForAll int protoMax, @ForAll int flags) {
        roundTrips(new Nat(type, family, addrMin, addrMax, protoMin, protoMax, flags));
    }

    @Property
    void masqRoundTrips(@ForAll int flags, @ForAll int protoMin, @ForAll int protoMax) {
        roundTrips(new Masq(flags, protoMin, protoMax));
    }

    @Property
    void redirRoundTrips(@ForAll int protoMin, @ForAll int protoMax, @ForAll int flags) {
        roundTrips(new Redir(protoMin, protoMax, flags));
    }

    @Property
    void counterRoundTrips(@ForAll("counters") Counter e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Counter> counters() {
        return Arbitraries.oneOf(Arbitraries.just(Counter.empty()),
                Combinators.combine(be64(), be64()).as((packets, bytes) -> new Counter(packets, bytes, true)));
    }

    @Property
    void limitRoundTrips(@ForAll("limits") Limit e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Limit> limits() {
        return Combinators.combine(be64(), be64(), be32(), be32(), be32()).as(Limit::new);
    }

    @Property
    void quotaRoundTrips(@ForAll("quotas") Quota e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Quota> quotas() {
        return Combinators.combine(be64(), be64(), be32()).as(Quota::new);
    }

    @Property
    void logRoundTrips(@ForAll("logs") Log e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Log> logs() {
        Arbitrary<OptionalInt> group = be16().map(OptionalInt::of).injectNull(0.3)
                .map(o -> o == null ? OptionalInt.empty() : o);
        return Combinators.combine(name().injectNull(0.3).map(Optional::ofNullable), group, optionalBe32(), be32())
                .as(Log::new);
    }

    @Property
    void queueRoundTrips(@ForAll("be16s") int num, @ForAll("be16s") int total, @ForAll("be16s") int flags) {
        roundTrips(new Queue(num, total, flags));
    }

    @Provide
    Arbitrary<Integer> be16s() {
        return be16();
    }

    @Property
    void rejectRoundTrips(@ForAll int type, @ForAll("u8s") int icmpCode) {
        roundTrips(new Reject(type, icmpCode));
    }

    @Provide
    Arbitrary<Integer> u8s() {
        return u8();
    }

    @Property
    void connlimitRoundTrips(@ForAll("connlimits") Connlimit e) {
        roundTrips(e);
    }

    @Provide
    Arbitrary<Connlimit> connlimits() {
        return Combinators.combine(u32(), be32()).as(Connlimit::new);
    }

    @Property
    void objrefRoundTrips(@ForAll int type, @ForAll("names") String name) {
        roundTrips(new Objref(type, name));
    }

    @Property
    void fwdRoundTrips(@ForAll int dev, @ForAll int addr, @ForAll int nfproto) {
        roundTrips(new Fwd(dev, addr, addr == 0 ? 0 : nfproto));
    }

    @Property
    void dupRoundTrips(@ForAll int addr, @ForAll int dev) {
        roundTrips(new Dup(addr, dev));
    }

    @Property
    void flowOffloadRoundTrips(@ForAll("names") String flowtable) {
        roundTrips(new FlowOffload(flowtable));
    }

    @Property
    void notrackRoundTrips() {
        roundTrips(new Notrack());
    }

    @Property
    void exthdrRoundTrips(@ForAll int dreg, @ForAll("u8s") int type, @ForAll int offset, @ForAll int len,
                          @ForAll int flags, @ForAll int op, @ForAll int sreg) {
        roundTrips(new Exthdr(dreg, type, offset, len, flags, op, sreg));
    }

    @Property
    void fibRoundTrips(@ForAll int dreg, @ForAll int result, @ForAll int flags) {
        roundTrips(new Fib(dreg, result, flags));
    }

    /** An expression the registry does not know keeps its attributes, byte for byte. */
    @Property
    void unknownRoundTrips(@ForAll("unknownNames") String name, @ForAll("attributes") Bytes data) {
        roundTrips(new Unknown(name, data));
    }

    @Provide
    Arbitrary<String> unknownNames() {
        return name().filter(n -> !Exprs.known().contains(n));
    }

    /** A few u32 attributes, as an expression's data nest holds them. */
    @Provide
    Arbitrary<Bytes> attributes() {
        return Combinators.combine(Arbitraries.integers().between(1, 12), be32()).as((type, v) -> {
            var w = new io.nftlb.netlink.internal.codec.MsgWriter(16);
            w.be32(type, v);
            return w.toBytes();
        }).list().ofMaxSize(4).map(parts -> {
            var w = new io.nftlb.netlink.internal.codec.MsgWriter(64);
            parts.forEach(w::raw);
            return w.toBytes();
        });
    }
}
