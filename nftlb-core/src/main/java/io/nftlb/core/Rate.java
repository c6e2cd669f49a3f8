package io.nftlb.core;

import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A packet or connection rate with a burst, as the kernel's token bucket counts it: {@code count}
 * per {@code per}, and up to {@code burst} more at once after a quiet time.
 *
 * <pre>{@code
 * Rate.perSecond(10).burst(20)
 * }</pre>
 *
 * @param count events per unit (> 0)
 * @param per second, minute, hour, day or week
 * @param burst events allowed at once above the rate (0 = the kernel's default of 5)
 */
public record Rate(long count, ChronoUnit per, long burst) {

    /** The units nft counts rates in. */
    public static final Set<ChronoUnit> UNITS = Set.copyOf(EnumSet.of(ChronoUnit.SECONDS, ChronoUnit.MINUTES,
            ChronoUnit.HOURS, ChronoUnit.DAYS, ChronoUnit.WEEKS));

    /** Most events per unit or in a burst the kernel takes (a 32-bit token count). */
    public static final long MAX = 0xffff_ffffL;

    public Rate {
        Objects.requireNonNull(per, "per");
        Check.that(UNITS.contains(per), "rate", "unit %s must be one of seconds, minutes, hours, days, weeks", per);
        Check.that(count > 0 && count <= MAX, "rate", "count %d must be within 1..%d", count, MAX);
        Check.that(burst >= 0 && burst <= MAX, "rate", "burst %d must be within 0..%d", burst, MAX);
    }

    public static Rate perSecond(long count) {
        return new Rate(count, ChronoUnit.SECONDS, 0);
    }

    public static Rate perMinute(long count) {
        return new Rate(count, ChronoUnit.MINUTES, 0);
    }

    public static Rate perHour(long count) {
        return new Rate(count, ChronoUnit.HOURS, 0);
    }

    public Rate burst(long value) {
        return new Rate(count, per, value);
    }

    @Override
    public String toString() {
        String unit = per.name().toLowerCase(Locale.ROOT).replaceAll("s$", "");
        return count + "/" + unit + (burst > 0 ? " burst " + burst : "");
    }
}
