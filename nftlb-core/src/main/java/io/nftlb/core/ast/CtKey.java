package io.nftlb.core.ast;

/** Conntrack entry fields that rules can read or set ({@code ct state}, {@code ct mark}...). */
public enum CtKey {
    STATE("state", DataType.CT_STATE),
    DIRECTION("direction", DataType.CT_DIR),
    STATUS("status", DataType.CT_STATUS),
    MARK("mark", DataType.MARK),
    EXPIRATION("expiration", DataType.TIME),
    L3PROTOCOL("l3proto", DataType.NFPROTO),
    PROTOCOL("protocol", DataType.INET_PROTO),
    ZONE("zone", DataType.INTEGER);

    private final String keyword;
    private final DataType type;

    CtKey(String keyword, DataType type) {
        this.keyword = keyword;
        this.type = type;
    }

    public String keyword() {
        return keyword;
    }

    public DataType type() {
        return type;
    }

    /** Bits of {@code ct state} (nft's ct_state type). */
    public static final long STATE_INVALID = 1, STATE_ESTABLISHED = 2, STATE_RELATED = 4,
            STATE_NEW = 8, STATE_UNTRACKED = 64;

    /**
     * Bits of {@code ct status} (the kernel's {@code IPS_*}, nft's ct_status type) that nft names.
     * CONFIRMED is set once the entry's first packet has passed the last hook and the entry is in
     * the conntrack table: a packet of an unconfirmed entry is the first packet of its flow.
     */
    public static final long STATUS_EXPECTED = 1, STATUS_SEEN_REPLY = 2, STATUS_ASSURED = 4,
            STATUS_CONFIRMED = 8, STATUS_SNAT = 16, STATUS_DNAT = 32, STATUS_DYING = 512;
}
