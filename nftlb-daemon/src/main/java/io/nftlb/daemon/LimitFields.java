package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.Limits;
import io.nftlb.core.PortRange;
import io.nftlb.core.Rate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The steps of nftlb's protection fields (rate and connection limits, helpers) onto the
 * library's {@link Limits}, {@link Helper} and {@link Backend#maxConnections}.
 *
 * <p>nftlb keys a farm's limits by client address alone, per farm (its conformance output:
 * {@code add @new-rtlimit-lb01 { ip saddr limit rate over 10/second }}); the library by client,
 * virtual address and port. The two count the same only for a farm with one address and one
 * port, so the per-client limits are mapped for such farms and reported otherwise. nftlb also
 * logs each refusal with a prefix per limit ({@code new-rtlimit-log-prefix} and the like); the
 * library has one prefix per farm and adds what fired, so {@link LogFields} logs refusals as
 * {@code "<farm>-rate "}, {@code "<farm>-conns "}, ... and accepts a per-limit prefix with a
 * warning that its text cannot be had.
 */
final class LimitFields {

    private LimitFields() {}

    static Farm helper(Farm farm, String value, JsonNode object, String where) {
        Helper helper = switch (value) {
            case "", "none" -> null;
            case "ftp" -> Helper.FTP;
            case "sip" -> Helper.SIP;
            case "tftp" -> Helper.TFTP;
            case "pptp" -> Helper.PPTP;
            case "snmp" -> Helper.SNMP;
            default -> throw ConfigException.field(where, "helper", value, "must be none, ftp, pptp, sip, snmp or tftp");
        };
        if (helper == null) {
            return farm;
        }
        try {
            return farm.helper(helper);
        } catch (IllegalArgumentException e) {
            // e.g. sip on a farm of every protocol: the library sets a helper for the protocols it reads only.
            throw new Field.NotSupported("helper", value, e.getMessage());
        }
    }

    /** {@code new-rtlimit} (with {@code new-rtlimit-burst}): new connections per client. */
    static Farm newRate(Farm farm, String value, JsonNode object, String where) {
        return rate(farm, value, object, where, "new-rtlimit", Limits::newConnections);
    }

    /** {@code rst-rtlimit} (with {@code rst-rtlimit-burst}): TCP resets per client. */
    static Farm resetRate(Farm farm, String value, JsonNode object, String where) {
        return rate(farm, value, object, where, "rst-rtlimit", Limits::resets);
    }

    /** {@code est-connlimit}: connections a client may hold. */
    static Farm connections(Farm farm, String value, JsonNode object, String where) {
        int n = Values.integer(where, "est-connlimit", value);
        if (n == 0) {
            return farm;
        }
        oneService(farm, object, where, "est-connlimit", value);
        return withLimits(farm, where, "est-connlimit", value, l -> l.connectionsPerClient(n));
    }

    /**
     * {@code tcp-strict}: nftlb drops (and logs) what conntrack finds invalid
     * ({@code ct state invalid log prefix "tcp-strict-FARM " drop}); the library's
     * {@link Limits#strictTcp} does that and also refuses a new TCP connection whose first
     * packet is not a plain SYN (a bare ACK, or a SYN with FIN, RST or ACK), which conntrack's
     * loose pick-up of connections takes for a new one and nftlb lets through. nftlb checks
     * nothing of a dsr or stlsdnat farm (it has no filter chain for them), nor does the daemon;
     * a farm of udp or sctp, whose invalid packets nftlb drops, is reported.
     */
    static Farm strictTcp(Farm farm, String value, JsonNode object, String where) {
        return switch (value) {
            case "off" -> farm;
            case "on" -> {
                if (farm.forwarding().servedAtIngress()) {
                    yield farm;
                }
                try {
                    yield farm.limits(farm.limits().strictTcp());
                } catch (IllegalArgumentException e) {
                    throw new Field.NotSupported("tcp-strict", value, e.getMessage());
                }
            }
            default -> throw ConfigException.field(where, "tcp-strict", value, "must be on or off");
        };
    }

    /**
     * {@code limits-ttl} (seconds, nftlb's default 120) is the timeout of nftlb's per-farm limit
     * sets ({@code timeout 2m} on {@code new-rtlimit-FARM}, {@code rst-rtlimit-FARM}) and of its
     * policies' per-farm counter sets: nftlb {@code add}s a client's element, so it goes, and the
     * client has a full bucket again, that long after it came, however busy the client. The
     * library {@code update}s its element on each new connection and lets it go a minute (or one
     * unit of the rate, if longer) after the last one, a fixed part of its layout. A bucket fills
     * up again within one unit of its rate anyway, so the two differ only for a client that
     * keeps going over the rate (nftlb forgives it every limits-ttl) or a rate whose unit is
     * longer than limits-ttl (with nftlb's 120 s, a client of a {@code 2/hour} limit starts
     * afresh every two minutes). Neither
     * bans anyone for this field: any value is accepted and changes nothing.
     */
    static Farm limitsTtl(Farm farm, String value, JsonNode object, String where) {
        if (Values.integer(where, "limits-ttl", value) < 0) {
            throw ConfigException.field(where, "limits-ttl", value, "must be 0 or more seconds");
        }
        return farm;
    }

    /** nftlb's default verdict (log and drop) drops as the library does; {@link LogFields} reads its log. */
    static Farm verdict(Farm farm, String value, JsonNode object, String where) {
        return switch (value) {
            case "drop", "log drop", "drop log" -> farm;
            // Let through; with "log", logged too (LogFields adds the limits' log then).
            case "accept" -> withLimits(farm, where, "verdict", value, l -> l.verdict(Limits.Verdict.ACCEPT));
            case "log", "log accept", "accept log" -> withLimits(farm, where, "verdict", value,
                    l -> l.verdict(Limits.Verdict.LOG));
            default -> throw ConfigException.field(where, "verdict", value, "must be log, drop or accept");
        };
    }

    /** Backend {@code est-connlimit}: nftlb counts the backend's connections by its mark, as the library does. */
    static Backend backendConnections(Backend b, String value, JsonNode object, String where) {
        int n = Values.integer(where, "est-connlimit", value);
        if (n == 0) {
            return b;
        }
        try {
            return b.maxConnections(n);
        } catch (IllegalArgumentException e) {
            throw ConfigException.field(where, "est-connlimit", value, e.getMessage());
        }
    }

    private static Farm rate(Farm farm, String value, JsonNode object, String where, String field,
                             BiFunction<Limits, Rate, Limits> set) {
        Rate rate = parseRate(where, field, value);
        if (rate == null) {
            return farm;
        }
        String burstText = Values.text(where, field + "-burst", object.get(field + "-burst"));
        int burst = burstText.isEmpty() ? 0 : Values.integer(where, field + "-burst", burstText);
        oneService(farm, object, where, field, value);
        Rate withBurst;
        try {
            withBurst = rate.burst(burst);
        } catch (IllegalArgumentException e) {
            throw ConfigException.field(where, field + "-burst", burstText, e.getMessage());
        }
        return withLimits(farm, where, field, value, l -> set.apply(l, withBurst));
    }

    /** {@code "10"}, {@code "10/minute"}; null for nftlb's "off" (0). */
    static Rate parseRate(String where, String field, String value) {
        int slash = value.indexOf('/');
        String count = slash < 0 ? value : value.substring(0, slash);
        ChronoUnit unit = slash < 0 ? ChronoUnit.SECONDS : switch (value.substring(slash + 1)) {
            case "second" -> ChronoUnit.SECONDS;
            case "minute" -> ChronoUnit.MINUTES;
            case "hour" -> ChronoUnit.HOURS;
            case "day" -> ChronoUnit.DAYS;
            case "week" -> ChronoUnit.WEEKS;
            default -> throw ConfigException.field(where, field, value, "the unit must be second, minute, hour, day or week");
        };
        long n;
        try {
            n = Long.parseLong(count);
        } catch (NumberFormatException e) {
            throw ConfigException.field(where, field, value, "is not a rate (<number>[/<unit>])");
        }
        if (n == 0) {
            return null;
        }
        try {
            return new Rate(n, unit, 0);
        } catch (IllegalArgumentException e) {
            throw ConfigException.field(where, field, value, e.getMessage());
        }
    }

    private static void oneService(Farm farm, JsonNode object, String where, String field, String value) {
        List<PortRange> ports = Values.ports(where, "virtual-ports",
                Values.text(where, "virtual-ports", object.get("virtual-ports")));
        boolean one = farm.addresses().size() == 1 && ports.size() == 1 && ports.get(0).from() == ports.get(0).to();
        if (!one) {
            throw new Field.NotSupported(field, value, "nftlb counts a client once per farm, the library once per"
                    + " virtual address and port: they agree only for a farm of one address and one port");
        }
    }

    private static Farm withLimits(Farm farm, String where, String field, String value,
                                   java.util.function.UnaryOperator<Limits> edit) {
        try {
            return farm.limits(edit.apply(farm.limits()));
        } catch (IllegalArgumentException e) {
            throw ConfigException.field(where, field, value, e.getMessage());
        }
    }
}
