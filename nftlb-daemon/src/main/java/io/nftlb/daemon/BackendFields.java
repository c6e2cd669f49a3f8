package io.nftlb.daemon;

import static io.nftlb.daemon.Field.mapped;
import static io.nftlb.daemon.Field.readElsewhere;

import com.fasterxml.jackson.databind.JsonNode;
import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import java.util.List;
import java.util.Map;

/** The fields of an nftlb backend object, each mapped onto {@link Backend} or read with its farm's. */
final class BackendFields {

    static final Map<String, Field<Backend>> ALL = FarmFields.table(List.of(
            readElsewhere("name"),
            readElsewhere("ip-addr"),
            mapped("port", BackendFields::port),
            mapped("weight", (b, v, o, w) -> b.weight(Values.integer(w, "weight", v))),
            mapped("priority", (b, v, o, w) -> b.priority(Values.integer(w, "priority", v))),
            mapped("state", BackendFields::state),
            mapped("mark", BackendFields::mark),
            mapped("source-addr", (b, v, o, w) -> v.isEmpty() ? b : b.sourceAddress(v)),
            mapped("est-connlimit", LimitFields::backendConnections),
            readElsewhere("est-connlimit-log-prefix"), // LogFields: the library's line is "<farm>-backend NAME "
            readElsewhere("ether-addr")));   // LinkLayer: dsr and stlsdnat only, reported for other modes

    private BackendFields() {}

    private static Backend port(Backend b, String value, JsonNode object, String where) {
        return value.isEmpty() ? b : b.port(Values.integer(where, "port", value));
    }

    /** nftlb's "available" is a backend that is up; "config_error" one that must not be used. */
    private static Backend state(Backend b, String value, JsonNode object, String where) {
        return b.state(switch (value) {
            case "up", "available" -> BackendState.UP;
            case "down" -> BackendState.DOWN;
            case "off", "config_error" -> BackendState.OFF;
            default -> throw ConfigException.field(where, "state", value,
                    "must be up, down, off, available or config_error");
        });
    }

    private static Backend mark(Backend b, String value, JsonNode object, String where) {
        long mark = Values.mark(where, "mark", value);
        return mark == 0 ? b : b.packetMark(mark);
    }
}
