package io.nftlb.core.compile;

import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.Protocol;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.ObjectKind;
import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Conntrack helpers: one {@code ct helper} object per helper and protocol that some farm uses
 * (at most seven, whatever the number of farms), assigned to a farm's new connections by a rule
 * at the top of its chain ({@code meta l4proto tcp ct helper set "ftp-tcp"}).
 */
final class HelpersCompiler {

    private HelpersCompiler() {}

    /** The name of the object of a helper for one protocol, e.g. {@code ftp-tcp}. */
    static String objectName(Helper h, Protocol p) {
        return h.kernelName() + "-" + p.name().toLowerCase(Locale.ROOT);
    }

    /** The objects the farms' helpers need, in a fixed order (helper, then protocol). */
    static List<NamedObject> objects(List<Farm> farms) {
        Map<String, NamedObject> objects = new LinkedHashMap<>();
        for (Helper h : Helper.values()) {
            for (Protocol p : h.protocols()) {
                if (farms.stream().anyMatch(f -> f.helper().equals(Optional.of(h)) && protocols(f).contains(p))) {
                    // In the inet table the kernel looks the helper up for both IP versions, where it has both.
                    objects.put(objectName(h, p), new NamedObject.CtHelper(objectName(h, p), h.kernelName(),
                            p.number(), h.ipv6() ? Family.INET : Family.IP));
                }
            }
        }
        return List.copyOf(objects.values());
    }

    /** The rules that give the farm's new connections its helper. */
    static List<Rule> rules(Farm farm) {
        List<Rule> rules = new ArrayList<>();
        farm.helper().ifPresent(h -> {
            for (Protocol p : h.protocols()) {
                if (protocols(farm).contains(p)) {
                    rules.add(Rule.of(Stmt.Match.eq(Nodes.L4PROTO, Nodes.proto(p.number())),
                            new Stmt.ObjRef(ObjectKind.CT_HELPER, objectName(h, p))));
                }
            }
        });
        return rules;
    }

    private static List<Protocol> protocols(Farm f) {
        return f.protocol() == Protocol.ALL ? List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP)
                : List.of(f.protocol());
    }
}
