package io.nftlb.daemon;

import java.util.concurrent.atomic.AtomicLong;

/** The counter behind {@link DeviceFinder#generation}'s default: a new number at each call. */
final class Generations {

    static final AtomicLong NEXT = new AtomicLong();

    private Generations() {}
}
