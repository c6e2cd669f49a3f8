package io.nftlb.core;

/** An inclusive range of ports; a single port is a range of one. */
public record PortRange(int from, int to) implements Comparable<PortRange> {

    public PortRange {
        Check.port("ports", "port", from);
        Check.port("ports", "port", to);
        Check.that(from <= to, "ports", "range %d-%d is reversed", from, to);
    }

    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    public boolean single() {
        return from == to;
    }

    public boolean overlaps(PortRange o) {
        return from <= o.to && o.from <= to;
    }

    @Override
    public int compareTo(PortRange o) {
        return Integer.compare(from, o.from);
    }

    @Override
    public String toString() {
        return single() ? Integer.toString(from) : from + "-" + to;
    }
}
