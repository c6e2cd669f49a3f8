package io.nftlb.netlink.internal.codec;

/** Netlink and nfnetlink constants (linux/netlink.h, nfnetlink.h, nf_tables.h). */
public final class Nl {
    private Nl() {}

    public static final int NLMSG_HDRLEN = 16;
    public static final int NFGENMSG_LEN = 4;
    public static final int NLA_HDRLEN = 4;
    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    public static final int NLMSG_NOOP = 1, NLMSG_ERROR = 2, NLMSG_DONE = 3, NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4, NLM_F_ECHO = 0x8,
            NLM_F_DUMP_INTR = 0x10;
    public static final int NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = 0x300;
    public static final int NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
    /** In an NLMSG_ERROR reply: the request was not echoed (NETLINK_CAP_ACK). */
    public static final int NLM_F_CAPPED = 0x100;
    /** In an NLMSG_ERROR reply: extended ack TLVs follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    public static final int NLMSGERR_ATTR_MSG = 1, NLMSGERR_ATTR_OFFS = 2;

    public static final int NETLINK_NETFILTER = 12;
    public static final int NFNL_SUBSYS_CTNETLINK = 1, NFNL_SUBSYS_NFTABLES = 10;
    public static final int NFNL_MSG_BATCH_BEGIN = 0x10, NFNL_MSG_BATCH_END = 0x11;
    public static final int NFNL_BATCH_GENID = 1;

    // nf_tables message types (low byte)
    public static final int NFT_MSG_NEWTABLE = 0, NFT_MSG_GETTABLE = 1, NFT_MSG_DELTABLE = 2,
            NFT_MSG_NEWCHAIN = 3, NFT_MSG_GETCHAIN = 4, NFT_MSG_DELCHAIN = 5,
            NFT_MSG_NEWRULE = 6, NFT_MSG_GETRULE = 7, NFT_MSG_DELRULE = 8,
            NFT_MSG_NEWSET = 9, NFT_MSG_GETSET = 10, NFT_MSG_DELSET = 11,
            NFT_MSG_NEWSETELEM = 12, NFT_MSG_GETSETELEM = 13, NFT_MSG_DELSETELEM = 14,
            NFT_MSG_NEWGEN = 15, NFT_MSG_GETGEN = 16,
            NFT_MSG_NEWOBJ = 18, NFT_MSG_GETOBJ = 19, NFT_MSG_DELOBJ = 20,
            NFT_MSG_NEWFLOWTABLE = 22, NFT_MSG_GETFLOWTABLE = 23, NFT_MSG_DELFLOWTABLE = 24;

    /** nlmsg_type of an nf_tables message. */
    public static int nftType(int msg) {
        return (NFNL_SUBSYS_NFTABLES << 8) | msg;
    }

    public static int align4(int n) {
        return (n + 3) & ~3;
    }
}
