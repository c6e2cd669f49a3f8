package io.nftlb.core.internal.compile;

import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.TableRef;

/**
 * Names of everything the compiler creates. The data path is one {@code inet} table; the
 * number of sets is fixed (it does not grow with farms), per-farm state lives in elements of
 * these shared maps, each farm has one regular chain or one rule in a shared shard chain
 * ({@link #SHARDS}), and farms read the shared maps through a few shared lookup chains (see
 * {@code compile.Lookups} for why).
 */
public final class Layout {

    private Layout() {}

    /** The table the library owns. */
    public static final TableRef TABLE = new TableRef(Family.INET, "nftlb");

    /** {@code l4proto . daddr . dport : verdict}, exact ports (hash lookup). */
    public static final String FARMS4 = "farms4";
    public static final String FARMS6 = "farms6";
    /** The same with port ranges or all ports (interval lookup). */
    public static final String FARMS4_RANGES = "farms4r";
    public static final String FARMS6_RANGES = "farms6r";
    /**
     * The farms that this host's own processes reach too (intra-connect), for the output hook:
     * the same keys and verdicts as their elements of {@link #FARMS4} and the others. Declared
     * only when some farm has intra-connect.
     */
    public static final String INTRA4 = "intra4";
    public static final String INTRA4_RANGES = "intra4r";
    public static final String INTRA6 = "intra6";
    public static final String INTRA6_RANGES = "intra6r";
    /**
     * {@code ct mark . saddr}: the backends of hairpin dnat farms, each with the marks of its farm's
     * backends (the connection's source is masqueraded). Declared only when some farm has hairpin.
     */
    public static final String HAIRPIN4 = "hairpin4";
    public static final String HAIRPIN6 = "hairpin6";
    /**
     * How many scheduling maps there can be: {@code sched0 .. sched255}, each
     * {@code slot : ct mark} (both typed {@code ct mark}, as the slot passes through {@code ct mark}).
     * A farm's scheduling slice, at {@code farmId * SLOTS_PER_FARM}, is in map {@code farmId mod 256}.
     * A map and its lookup chain are declared while some farm uses them ({@link SchedMaps}).
     *
     * <p>Why several: the kernel (6.18) keeps a sorted array of all intervals of an rbtree
     * interval set and rebuilds it on every commit that touches the set, so with one map a
     * weight change cost in proportion to every farm's intervals (17 ms at 10,000 farms). With
     * 256 maps it touches 1/256 of them (64 maps, as an earlier layout had, left 625 intervals
     * a map at 10,000 farms and cost about 25 µs more kernel time per change). The number is
     * fixed, so which maps exist depends only on which farm ids are in use, not on how many
     * farms there are, and each map keeps one lookup rule of its own ({@link #schedLookupChain}).
     */
    public static final int SCHED_MAPS = 256;

    /** The scheduling map of the farm with this data-path id, e.g. {@code sched5}. */
    public static String sched(int farmId) {
        return SchedNames.MAPS[Math.floorMod(farmId, SCHED_MAPS)];
    }

    /** The lookup chain of {@link #sched} of this farm id, e.g. {@code lookup-sched5}. */
    public static String schedLookupChain(int farmId) {
        return SchedNames.CHAINS[Math.floorMod(farmId, SCHED_MAPS)];
    }

    /** The names, made once: every farm compile asks for them (the runtime compiles one per change). */
    private static final class SchedNames {
        static final String[] MAPS = new String[SCHED_MAPS];
        static final String[] CHAINS = new String[SCHED_MAPS];

        static {
            for (int k = 0; k < SCHED_MAPS; k++) {
                MAPS[k] = "sched" + k;
                CHAINS[k] = "lookup-sched" + k;
            }
        }
    }
    /** The Maglev tables of every Maglev farm, IPv4 and IPv6 (declared only with Maglev farms; see MaglevSlots). */
    public static final String MAGLEV4 = "maglev4";
    public static final String MAGLEV6 = "maglev6";
    /** Marks of backends that take new connections (checked for persistence and static sessions). */
    public static final String SERVING = "serving";
    /** {@code ct mark : daddr} and {@code ct mark : daddr . dport}: where a backend is. */
    public static final String DNAT4 = "dnat4";
    public static final String DNAT4_PORT = "dnat4p";
    public static final String DNAT6 = "dnat6";
    public static final String DNAT6_PORT = "dnat6p";
    /** Marks of connections to masquerade, and {@code ct mark : saddr} for fixed sNAT sources. */
    public static final String MASQUERADE = "masq";
    public static final String SNAT4 = "snat4";
    public static final String SNAT6 = "snat6";
    /** {@code ct mark : meta mark}: packet marks for a farm's or backend's packets. */
    public static final String PACKET_MARKS = "pmarks";
    /** Local forwarding: marks to redirect keeping the port, and {@code ct mark : port} to redirect to. */
    public static final String LOCAL = "local";
    public static final String LOCAL_PORT = "localp";

    /** Marks of connections the flowtable {@link #FLOWTABLE} forwards once established (flow offload). */
    public static final String OFFLOADED = "offloaded";
    /** The one flowtable of all farms with flow offload, on the union of their devices. */
    public static final String FLOWTABLE = "fastpath";

    /** Pinned clients: {@code saddr . daddr . dport : ct mark}. */
    public static final String STATIC4 = "static4";
    public static final String STATIC6 = "static6";
    /** Pinned connections: {@code saddr . sport . daddr . dport : ct mark}, declared when a farm pins a client's port. */
    public static final String STATIC4_PORT = "static4p";
    public static final String STATIC6_PORT = "static6p";

    /** The persistence map of a farm's persistence key and family, e.g. {@code persist4-saddr}. */
    public static String persistence(io.nftlb.core.Persistence.Key key, boolean ipv6) {
        return persistence(persistenceKeyName(key), ipv6);
    }

    /** The persistence map of a DSR farm's key and family in the netdev table, e.g. {@code dsr-persist4-saddr}. */
    public static String dsrPersistence(io.nftlb.core.Persistence.Key key, boolean ipv6) {
        return "dsr-" + persistence(key, ipv6);
    }

    /** The persistence map of a stateless dNAT farm's key and family in the netdev table, e.g. {@code sdnat-persist4-saddr}. */
    public static String statelessDnatPersistence(io.nftlb.core.Persistence.Key key, boolean ipv6) {
        return "sdnat-" + persistence(key, ipv6);
    }

    /** The name of a persistence key in map and chain names, e.g. {@code saddr}. */
    public static String persistenceKeyName(io.nftlb.core.Persistence.Key key) {
        return switch (key) {
            case SOURCE_ADDRESS -> "saddr";
            case SOURCE_ADDRESS_PORT -> "saddr-sport";
            case DESTINATION -> "daddr";
            case SOURCE_MAC -> "mac";
        };
    }

    /** The persistence map for a key and family, e.g. {@code persist4-saddr}. */
    public static String persistence(String keyName, boolean ipv6) {
        return "persist" + (ipv6 ? "6" : "4") + "-" + keyName;
    }

    /** Base chains. */
    public static final String CHAIN_DISPATCH = "prerouting";
    public static final String CHAIN_DNAT = "nat-prerouting";
    public static final String CHAIN_SNAT = "nat-postrouting";
    /** Route output and nat output: this host's own connections to intra-connect farms. */
    public static final String CHAIN_LOCAL_DISPATCH = "output";
    public static final String CHAIN_LOCAL_DNAT = "nat-output";
    /** Filter forward: hands established connections of offloading farms to the flowtable. */
    public static final String CHAIN_FORWARD = "forward";

    /** Lookup chains, shared by all farms (see {@code compile.Lookups}; the scheduling ones are {@link #schedLookupChain}). */
    public static final String CHAIN_LOOKUP_MAGLEV = "lookup-maglev";
    public static final String CHAIN_LOOKUP_STATIC = "lookup-static";

    /** The lookup chain of the persistence maps of one key, e.g. {@code lookup-persist-saddr}. */
    public static String persistenceLookupChain(String keyName) {
        return "lookup-persist-" + keyName;
    }

    /** The chain of a farm. */
    public static String farmChain(String farm) {
        return "farm-" + farm;
    }

    /**
     * How many shard chains per family there can be, {@code shard4-0 .. shard4-511} and
     * {@code shard6-0 ..}; one exists while a farm is in it. A farm whose chain would be one rule
     * and whose service is one address, protocol and port (the common farm) gets no chain of its
     * own: its rule, guarded by that service, is one rule of shard chain {@code farmId mod 512},
     * and its dispatch element goes there.
     *
     * <p>Why: the kernel visits every chain of every table on each commit (to publish its next
     * rule generation), and a chain costs about 10 ns once there are more than a few thousand
     * (they no longer fit in the CPU's caches). With a chain per farm, a weight change at 10,000
     * farms cost 90-220 µs of kernel time for chains it did not touch; with shards the number of
     * chains stops growing at about 1,100, and a new connection tests about farms / 512 guards
     * (20 at 10,000 farms) after its dispatch lookup.
     */
    public static final int SHARDS = 512;

    /** The shard chain of a farm id and family, e.g. {@code shard4-17}. */
    public static String shardChain(int farmId, boolean ipv6) {
        return ShardNames.NAMES[ipv6 ? 1 : 0][Math.floorMod(farmId, SHARDS)];
    }

    /** Whether this is the name of a shard chain (farms' rules), not of a farm's own chain. */
    public static boolean isShardChain(String chain) {
        return chain.startsWith("shard4-") || chain.startsWith("shard6-");
    }

    private static final class ShardNames {
        static final String[][] NAMES = new String[2][SHARDS];

        static {
            for (int k = 0; k < SHARDS; k++) {
                NAMES[0][k] = "shard4-" + k;
                NAMES[1][k] = "shard6-" + k;
            }
        }
    }
}
