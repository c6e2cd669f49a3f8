package io.nftlb.core;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A named blacklist or whitelist of client addresses, enforced at the ingress of a network
 * device, before conntrack sees the packet (so a blacklisted client costs no conntrack entry).
 * It applies to one farm or to all farms: to packets whose protocol, destination address and
 * destination port are a farm's; other traffic to the host is not affected.
 *
 * <pre>{@code
 * Policy bad = Policy.blacklist("bad").on("eth0").networks("192.0.2.7", "198.51.100.0/24", "2001:db8::/32");
 * Policy staff = Policy.whitelist("staff").on("eth0").networks("10.8.0.0/16").forFarm("admin");
 * Policy logged = bad.log("bad-drop ", Rate.perSecond(10));   // kernel log lines of the drops
 * }</pre>
 *
 * <p>A blacklist drops its members' packets; a whitelist drops everyone else's. Networks may
 * not overlap within one policy (the kernel's interval sets refuse that). Values are
 * immutable: each step returns a new policy.
 *
 * @param farm the farm it applies to; empty for all farms
 * @param device the device on whose ingress it is enforced (where the clients' packets arrive)
 * @param networks sorted, IPv4 first
 * @param log optionally logs each packet the policy drops with this prefix (exactly as given),
 *        at most at its rate if it has one; the rate limits the lines, never the drops
 */
public record Policy(String name, Kind kind, String device, Optional<String> farm, List<Network> networks,
                     Optional<Limits.Log> log) {

    /** What a policy does with its members. */
    public enum Kind {
        /** Members are dropped. */
        BLACKLIST,
        /** Everyone but members is dropped. */
        WHITELIST;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Device used until {@link #on} says otherwise. */
    public static final String DEFAULT_DEVICE = "eth0";

    public Policy {
        String where = "policy \"" + name + "\"";
        Check.name(where, "name", name);
        requireNonNull(kind, "kind");
        requireNonNull(farm, "farm");
        farm.ifPresent(f -> Check.name(where, "farm", f));
        Check.that(device != null && device.matches("[A-Za-z0-9_.:@-]{1,15}"), where,
                "device \"%s\" is not a device name (1 to 15 letters, digits, '_', '.', ':', '@', '-')", device);
        networks = sortedDistinct(where, networks);
        requireNonNull(log, "log");
    }

    /** An empty blacklist on {@value #DEFAULT_DEVICE}, for all farms. */
    public static Policy blacklist(String name) {
        return new Policy(name, Kind.BLACKLIST, DEFAULT_DEVICE, Optional.empty(), List.of(), Optional.empty());
    }

    /** An empty whitelist on {@value #DEFAULT_DEVICE}, for all farms. */
    public static Policy whitelist(String name) {
        return new Policy(name, Kind.WHITELIST, DEFAULT_DEVICE, Optional.empty(), List.of(), Optional.empty());
    }

    /** Enforced on this device's ingress. */
    public Policy on(String value) {
        return new Policy(name, kind, value, farm, networks, log);
    }

    /** Applies to this farm only. */
    public Policy forFarm(String value) {
        return new Policy(name, kind, device, Optional.of(requireNonNull(value, "farm")), networks, log);
    }

    /** Applies to all farms. */
    public Policy forAllFarms() {
        return new Policy(name, kind, device, Optional.empty(), networks, log);
    }

    /**
     * Adds networks ({@code ADDRESS}, {@code ADDRESS/LENGTH} or {@code FIRST-LAST}, see
     * {@link Network#parse}).
     */
    public Policy networks(String... values) {
        List<Network> list = new ArrayList<>(networks);
        for (String v : values) {
            list.add(parse(v));
        }
        return new Policy(name, kind, device, farm, list, log);
    }

    /** Adds networks. */
    public Policy networks(Collection<Network> values) {
        List<Network> list = new ArrayList<>(networks);
        list.addAll(values);
        return new Policy(name, kind, device, farm, list, log);
    }

    /** Removes networks; each must be a member exactly as written. */
    public Policy withoutNetworks(Collection<Network> values) {
        List<Network> list = new ArrayList<>(networks);
        for (Network n : values) {
            Check.that(list.remove(n), "policy \"" + name + "\"", "has no network %s", n);
        }
        return new Policy(name, kind, device, farm, list, log);
    }

    /**
     * Logs every packet it drops with {@code prefix} (the kernel's log; no rate limit on the
     * lines, as nftlb logs a policy's drops).
     */
    public Policy log(String prefix) {
        return log(Limits.Log.unlimited(prefix));
    }

    /**
     * Logs the packets it drops with {@code prefix}, at most at {@code rate}; packets over the
     * rate are dropped all the same, unlogged.
     */
    public Policy log(String prefix, Rate rate) {
        return log(new Limits.Log(prefix, rate));
    }

    /** Logs the packets it drops as {@code value} says (prefix, and rate if any). */
    public Policy log(Limits.Log value) {
        return new Policy(name, kind, device, farm, networks, Optional.of(requireNonNull(value, "log")));
    }

    /** Whether it applies to that farm. */
    public boolean appliesTo(String farmName) {
        return farm.map(farmName::equals).orElse(true);
    }

    private Network parse(String text) {
        try {
            return Network.parse(text);
        } catch (InvalidFarmException e) {
            throw new InvalidFarmException("policy \"" + name + "\": " + e.getMessage());
        }
    }

    /** Sorted, and no two sharing an address: O(n log n), so 100k networks check quickly. */
    private static List<Network> sortedDistinct(String where, List<Network> networks) {
        requireNonNull(networks, "networks");
        TreeSet<Network> sorted = new TreeSet<>();
        for (Network n : networks) {
            Check.that(sorted.add(requireNonNull(n, "network")), where, "network %s is listed twice", n);
        }
        Network before = null;
        for (Network n : sorted) {
            Check.that(before == null || !before.overlaps(n), where, "network %s overlaps %s", n, before);
            before = n;
        }
        return List.copyOf(sorted);
    }
}
