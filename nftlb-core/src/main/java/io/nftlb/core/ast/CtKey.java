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
}
