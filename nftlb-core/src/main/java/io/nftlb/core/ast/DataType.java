package io.nftlb.core.ast;

/**
 * The nftables data types that values and set keys can have: how wide a value is in a
 * register, its byte order there, and the kernel's type number (used in set key/data types).
 *
 * <p>Numbers and byte orders are those of nft's {@code datatype.h} (enum datatypes); a concatenation's type
 * number is built from its parts' numbers ({@link #concatTypeId}).
 */
public enum DataType {
    VERDICT("verdict", 1, 4, ByteOrder.HOST),
    /** An integer of any width, in host byte order (e.g. numgen and hash results). */
    INTEGER("integer", 4, 4, ByteOrder.HOST),
    STRING("string", 5, 16, ByteOrder.HOST),
    LLADDR("lladdr", 6, 6, ByteOrder.BIG_ENDIAN),
    IPV4_ADDR("ipv4_addr", 7, 4, ByteOrder.BIG_ENDIAN),
    IPV6_ADDR("ipv6_addr", 8, 16, ByteOrder.BIG_ENDIAN),
    ETHER_ADDR("ether_addr", 9, 6, ByteOrder.BIG_ENDIAN),
    INET_PROTO("inet_proto", 12, 1, ByteOrder.BIG_ENDIAN),
    INET_SERVICE("inet_service", 13, 2, ByteOrder.BIG_ENDIAN),
    MARK("mark", 19, 4, ByteOrder.HOST),
    IFINDEX("iface_index", 20, 4, ByteOrder.HOST),
    IFNAME("ifname", 41, 16, ByteOrder.HOST),
    NFPROTO("nf_proto", 2, 1, ByteOrder.HOST),
    CT_STATE("ct_state", 26, 4, ByteOrder.HOST),
    CT_STATUS("ct_status", 28, 4, ByteOrder.HOST),
    CT_DIR("ct_dir", 27, 1, ByteOrder.HOST),
    TCP_FLAG("tcp_flag", 15, 1, ByteOrder.BIG_ENDIAN),
    PKTTYPE("pkt_type", 31, 1, ByteOrder.HOST),
    CT_LABEL("ct_label", 30, 16, ByteOrder.HOST),
    TIME("time", 18, 8, ByteOrder.HOST),
    ICMP_TYPE("icmp_type", 14, 1, ByteOrder.BIG_ENDIAN),
    ICMPV6_TYPE("icmpv6_type", 29, 1, ByteOrder.BIG_ENDIAN);

    /** Byte order of a value of this type inside a kernel register. */
    public enum ByteOrder { HOST, BIG_ENDIAN }

    /** Bits per part in a concatenated type number (nft's TYPE_BITS). */
    public static final int TYPE_BITS = 6;

    private final String typeName;
    private final int id;
    private final int length;
    private final ByteOrder byteOrder;

    DataType(String typeName, int id, int length, ByteOrder byteOrder) {
        this.typeName = typeName;
        this.id = id;
        this.length = length;
        this.byteOrder = byteOrder;
    }

    /** The name nft prints in {@code type ...} declarations. */
    public String typeName() {
        return typeName;
    }

    /** The kernel/nft type number (NFTA_SET_KEY_TYPE for a plain key). */
    public int id() {
        return id;
    }

    /** Length in bytes of a value of this type. */
    public int length() {
        return length;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** Register space taken by a value of this type: lengths are rounded up to 4 bytes. */
    public int registerLength() {
        return (length + 3) & ~3;
    }

    /** The type number nft gives a concatenation of these types. */
    public static int concatTypeId(java.util.List<DataType> parts) {
        int id = 0;
        for (DataType t : parts) {
            id = (id << TYPE_BITS) | t.id();
        }
        return id;
    }
}
