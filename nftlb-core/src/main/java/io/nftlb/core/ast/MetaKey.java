package io.nftlb.core.ast;

/** Packet metadata that rules can read or set ({@code meta mark}, {@code meta l4proto}...). */
public enum MetaKey {
    LENGTH("length", DataType.INTEGER, true),
    PROTOCOL("protocol", DataType.INTEGER, true),
    MARK("mark", DataType.MARK, true),
    IIF("iif", DataType.IFINDEX, false),
    OIF("oif", DataType.IFINDEX, false),
    IIFNAME("iifname", DataType.IFNAME, false),
    OIFNAME("oifname", DataType.IFNAME, false),
    NFPROTO("nfproto", DataType.NFPROTO, true),
    L4PROTO("l4proto", DataType.INET_PROTO, true),
    PKTTYPE("pkttype", DataType.PKTTYPE, true),
    PRIORITY("priority", DataType.INTEGER, true),
    NFTRACE("nftrace", DataType.INTEGER, true);

    private final String keyword;
    private final DataType type;
    private final boolean qualified;

    MetaKey(String keyword, DataType type, boolean qualified) {
        this.keyword = keyword;
        this.type = type;
        this.qualified = qualified;
    }

    public String keyword() {
        return keyword;
    }

    public DataType type() {
        return type;
    }

    /**
     * Whether nft prints this key with its {@code meta} prefix ({@code meta l4proto}) rather
     * than bare ({@code mark}, {@code iifname}).
     */
    public boolean qualified() {
        return qualified;
    }

    /** The key as nft lists it, e.g. {@code meta l4proto} or {@code iifname}. */
    public String text() {
        return qualified ? "meta " + keyword : keyword;
    }
}
