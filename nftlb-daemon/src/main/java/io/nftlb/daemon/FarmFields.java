package io.nftlb.daemon;

import static io.nftlb.daemon.Field.mapped;
import static io.nftlb.daemon.Field.readElsewhere;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.Farm;
import io.nftlb.core.Inspection;
import io.nftlb.core.Persistence;
import io.nftlb.core.PortRange;
import io.nftlb.core.Protocol;
import io.nftlb.core.Scheduler;
import io.nftlb.core.Scheduler.HashField;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of an nftlb farm object (nftlb's README, "farm object"), each mapped onto the
 * Farm DSL or listed as not supported yet. The structural ones (name, mode, addresses,
 * backends, sessions, state) are read by {@link FarmMapper}.
 */
final class FarmFields {

    /** nftlb's default persistence timeout, in seconds. */
    static final int DEFAULT_PERSIST_TTL = 60;

    static final Map<String, Field<Farm>> ALL = table(List.of(
            readElsewhere("name"),
            readElsewhere("family"),
            readElsewhere("virtual-addr"),
            readElsewhere("mode"),
            readElsewhere("state"),
            readElsewhere("backends"),
            readElsewhere("sessions"),
            readElsewhere("sched-param"),
            readElsewhere("persist-ttl"),
            mapped("virtual-ports", FarmFields::ports),
            mapped("protocol", FarmFields::protocol),
            mapped("scheduler", FarmFields::scheduler),
            mapped("persistence", FarmFields::persistence),
            mapped("source-addr", FarmFields::sourceAddress),
            mapped("mark", FarmFields::mark),
            mapped("priority", FarmFields::priority),
            mapped("helper", LimitFields::helper),
            mapped("new-rtlimit", LimitFields::newRate),
            readElsewhere("new-rtlimit-burst"),
            mapped("rst-rtlimit", LimitFields::resetRate),
            readElsewhere("rst-rtlimit-burst"),
            mapped("est-connlimit", LimitFields::connections),
            mapped("verdict", LimitFields::verdict),
            readElsewhere("addresses"),
            readElsewhere("policies"),        // PolicyMapper: one library Policy per farm and policy
            // LogFields, once the farm's limits are known: its new-connection log and its refusals' log.
            readElsewhere("log"),
            readElsewhere("log-prefix"),
            readElsewhere("log-rtlimit"),
            readElsewhere("new-rtlimit-log-prefix"),
            readElsewhere("rst-rtlimit-log-prefix"),
            readElsewhere("est-connlimit-log-prefix"),
            readElsewhere("tcp-strict-log-prefix"),
            mapped("limits-ttl", LimitFields::limitsTtl),
            mapped("tcp-strict", LimitFields::strictTcp),
            mapped("queue", FarmFields::queue),
            mapped("intra-connect", FarmFields::intraConnect),
            readElsewhere("flow-offload"),   // OffloadMapper: it needs the devices a DeviceFinder finds
            readElsewhere("iface"),          // LinkLayer (dsr, stlsdnat) and PolicyMapper (the policies' device)
            readElsewhere("oface"),
            readElsewhere("ether-addr")));

    /**
     * The fields of a farm in nftlb's {@code local} mode ({@link Farm#host}): nftlb chooses no
     * backend there and NATs nothing, so it leaves the fields about those unused, and so does
     * the daemon (they stay in the configuration, as nftlb shows them).
     */
    static final Map<String, Field<Farm>> LOCAL = local();

    private static Map<String, Field<Farm>> local() {
        Map<String, Field<Farm>> fields = new LinkedHashMap<>(ALL);
        for (String unused : List.of("scheduler", "persistence", "source-addr", "mark", "priority", "helper")) {
            fields.put(unused, mapped(unused, (farm, value, object, where) -> farm));
        }
        return java.util.Collections.unmodifiableMap(fields);
    }

    private FarmFields() {}

    static <T> Map<String, Field<T>> table(List<Field<T>> fields) {
        Map<String, Field<T>> map = new LinkedHashMap<>();
        fields.forEach(f -> map.put(f.name(), f));
        return map;
    }

    /**
     * nftlb's {@code intra-connect}: this host's own connections to the farm's service are
     * balanced too ({@link Farm#intraConnect}). A dsr or stlsdnat farm is served at ingress, which
     * locally generated packets never pass.
     */
    static Farm intraConnect(Farm farm, String value, JsonNode object, String where) {
        return switch (value) {
            case "off" -> farm.intraConnect(false);
            case "on" -> {
                if (farm.forwarding().servedAtIngress()) {
                    throw new Field.NotSupported("intra-connect", value, "a " + farm.forwarding().keyword()
                            + " farm is served at ingress, which the balancer's own packets never pass");
                }
                yield farm.intraConnect(true);
            }
            default -> throw ConfigException.field(where, "intra-connect", value, "must be on or off");
        };
    }

    private static Farm ports(Farm farm, String value, JsonNode object, String where) {
        Farm f = farm.allPorts();
        for (PortRange r : Values.ports(where, "virtual-ports", value)) {
            f = f.portRange(r.from(), r.to());
        }
        return f;
    }

    static Farm protocol(Farm farm, String value, JsonNode object, String where) {
        return switch (value) {
            case "tcp" -> farm.protocol(Protocol.TCP);
            case "udp" -> farm.protocol(Protocol.UDP);
            case "sctp" -> farm.protocol(Protocol.SCTP);
            case "all" -> farm.protocol(Protocol.ALL);
            default -> throw ConfigException.field(where, "protocol", value, "must be tcp, udp, sctp or all");
        };
    }

    private static Farm scheduler(Farm farm, String value, JsonNode object, String where) {
        return switch (value) {
            case "rr" -> farm.scheduler(Scheduler.roundRobin());
            case "weight" -> farm.scheduler(Scheduler.weighted());
            case "symhash" -> farm.scheduler(Scheduler.symmetricHash());
            case "hash" -> farm.scheduler(new Scheduler.Hash(hashFields(object, where), 0));
            default -> throw ConfigException.field(where, "scheduler", value, "must be rr, weight, hash or symhash");
        };
    }

    /** nftlb hashes the client's address when no sched-param is given. */
    private static List<HashField> hashFields(JsonNode object, String where) {
        String value = Values.text(where, "sched-param", object.get("sched-param"));
        if (value.isEmpty() || value.equals("none")) {
            return List.of(HashField.SOURCE_ADDRESS);
        }
        List<HashField> fields = new ArrayList<>();
        for (String word : value.split("\\s+")) {
            fields.add(switch (word) {
                case "srcip" -> HashField.SOURCE_ADDRESS;
                case "dstip" -> HashField.DESTINATION_ADDRESS;
                case "srcport" -> HashField.SOURCE_PORT;
                case "dstport" -> HashField.DESTINATION_PORT;
                case "srcmac" -> HashField.SOURCE_MAC;
                case "dstmac" -> HashField.DESTINATION_MAC;
                default -> throw ConfigException.field(where, "sched-param", value,
                        "must be words of srcip, dstip, srcport, dstport, srcmac, dstmac or none");
            });
        }
        return fields;
    }

    private static Farm persistence(Farm farm, String value, JsonNode object, String where) {
        Persistence.Key key = switch (value) {
            case "", "none" -> null;
            case "srcip" -> Persistence.Key.SOURCE_ADDRESS;
            case "srcip srcport" -> Persistence.Key.SOURCE_ADDRESS_PORT;
            case "dstip dstport" -> Persistence.Key.DESTINATION;
            case "srcmac" -> Persistence.Key.SOURCE_MAC;
            default -> throw new Field.NotSupported("persistence", value,
                    "the library keeps clients by srcip, srcip srcport, dstip dstport or srcmac");
        };
        if (key == null) {
            return farm;
        }
        String ttlText = Values.text(where, "persist-ttl", object.get("persist-ttl"));
        int ttl = ttlText.isEmpty() ? DEFAULT_PERSIST_TTL : Values.integer(where, "persist-ttl", ttlText);
        return farm.persistence(new Persistence(key, Duration.ofSeconds(ttl)));
    }

    private static Farm sourceAddress(Farm farm, String value, JsonNode object, String where) {
        if (value.isEmpty()) {
            return farm;
        }
        if (!(farm.forwarding() instanceof io.nftlb.core.Forwarding.Snat)) {
            throw new Field.NotSupported("source-addr", value, "the library sets a source address in snat mode only");
        }
        return farm.sourceAddress(value);
    }

    private static Farm mark(Farm farm, String value, JsonNode object, String where) {
        long mark = Values.mark(where, "mark", value);
        return mark == 0 ? farm : farm.packetMark(mark);
    }

    /**
     * nftlb's {@code queue} ({@code -1}: off) hands new TCP connections to that NFQUEUE, with
     * {@code bypass} (its {@code src/nft.c}: {@code tcp flags syn queue num N bypass}, in the
     * farm's filter chain before scheduling): so does the library, with bypass, but once the
     * connection is scheduled, where nftlb queues every TCP packet with the SYN flag (a
     * retransmitted SYN again). nftlb queues nothing of a udp or sctp farm, nor of a dsr or
     * stlsdnat farm, so neither does the daemon; a farm of every protocol has its udp and sctp
     * connections queued too. A kernel without
     * {@code CONFIG_NFT_QUEUE} refuses the farm when it is applied, naming that option.
     */
    private static Farm queue(Farm farm, String value, JsonNode object, String where) {
        int number = Values.integer(where, "queue", value);
        if (number == -1) {
            return farm;
        }
        if (number < 0 || number > Inspection.MAX_QUEUE) {
            throw ConfigException.field(where, "queue", value, "must be -1 (off) or a queue number 0.."
                    + Inspection.MAX_QUEUE);
        }
        if (farm.protocol() == Protocol.UDP || farm.protocol() == Protocol.SCTP || farm.forwarding().servedAtIngress()) {
            return farm; // nftlb queues TCP SYNs, and from its filter chain, which dsr and stlsdnat farms lack
        }
        return farm.inspection(farm.inspection().queue(number, true));
    }

    /**
     * nftlb serves the backends of every priority up to the farm's together; the library serves
     * the lowest tier that has a serving backend. They agree for nftlb's default, 1.
     */
    private static Farm priority(Farm farm, String value, JsonNode object, String where) {
        if (Values.integer(where, "priority", value) != 1) {
            throw new Field.NotSupported("priority", value,
                    "the library serves only the lowest priority tier with a serving backend");
        }
        return farm;
    }
}
