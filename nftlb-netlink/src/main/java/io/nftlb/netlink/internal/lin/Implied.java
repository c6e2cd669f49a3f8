package io.nftlb.netlink.internal.lin;

/**
 * A match nft puts before a header field so that the field exists (the implied dependency),
 * or one the rule states itself that makes the implied one unnecessary: which meta key it
 * tests and the value. A rule emits each at most once.
 */
record Implied(Key key, long value) {

    /** The meta keys nft's implied matches test. */
    enum Key {
        /** {@code meta nfproto}: inet tables, before a network header field. */
        NFPROTO,
        /** {@code meta l4proto}: before a tcp, udp, sctp or icmp field. */
        L4PROTO,
        /** {@code meta protocol} (the ethertype): netdev tables, before a network header field. */
        ETHERTYPE,
        /** {@code meta iiftype}: netdev and bridge tables, before an ether field. */
        IIFTYPE
    }

    /** ARPHRD_ETHER: the link type {@code meta iiftype ether} compares with. */
    static final int ARPHRD_ETHER = 1;

    static Implied nfproto(NfProto p) {
        return new Implied(Key.NFPROTO, p.number);
    }

    static Implied l4proto(L4Proto p) {
        return new Implied(Key.L4PROTO, p.number);
    }

    static Implied ethertype(NfProto p) {
        return new Implied(Key.ETHERTYPE, p.ethertype);
    }

    static final Implied IIFTYPE_ETHER = new Implied(Key.IIFTYPE, ARPHRD_ETHER);
}
