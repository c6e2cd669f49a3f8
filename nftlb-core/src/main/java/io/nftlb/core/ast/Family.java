package io.nftlb.core.ast;

/** An nftables address family, with the number the kernel knows it by (NFPROTO_*). */
public enum Family {
    INET("inet", 1),
    IP("ip", 2),
    ARP("arp", 3),
    NETDEV("netdev", 5),
    BRIDGE("bridge", 7),
    IP6("ip6", 10);

    private final String keyword;
    private final int nfproto;

    Family(String keyword, int nfproto) {
        this.keyword = keyword;
        this.nfproto = nfproto;
    }

    /** The word nft uses for this family, e.g. {@code inet}. */
    public String keyword() {
        return keyword;
    }

    /** The kernel's NFPROTO_* number, carried in every nf_tables message. */
    public int nfproto() {
        return nfproto;
    }

    /** The family whose number is {@code nfproto}; throws if the kernel sent one we do not know. */
    public static Family ofNfproto(int nfproto) {
        for (Family f : values()) {
            if (f.nfproto == nfproto) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown nfproto family: " + nfproto);
    }
}
