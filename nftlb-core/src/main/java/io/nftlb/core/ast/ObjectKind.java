package io.nftlb.core.ast;

/** Kinds of named stateful objects, as nft spells them. */
public enum ObjectKind {
    COUNTER("counter"), QUOTA("quota"), CT_HELPER("ct helper"), LIMIT("limit"), CONNLIMIT("ct count");

    private final String keyword;

    ObjectKind(String keyword) {
        this.keyword = keyword;
    }

    public String keyword() {
        return keyword;
    }
}
