package io.nftlb.core;

/** The transport protocol(s) a farm balances. */
public enum Protocol {
    TCP(6), UDP(17), SCTP(132),
    /** TCP, UDP and SCTP alike, on the farm's ports. */
    ALL(0);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IP protocol number; 0 for {@link #ALL}. */
    public int number() {
        return number;
    }
}
