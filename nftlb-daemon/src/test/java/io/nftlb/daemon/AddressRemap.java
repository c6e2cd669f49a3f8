package io.nftlb.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InetAddresses;
import io.nftlb.testkit.Topology;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moves an nftlb case's addresses onto a {@link Topology}, the same way in its JSON and in
 * nftlb's expected ruleset: the farms' virtual addresses become 10.0.0.40, 10.0.0.41, ...
 * (fd00::40, ... for IPv6), the i-th distinct backend address of each family becomes backend
 * i's address (10.1.0.(10+i), fd00:1::(10+i)), and the j-th static-session client becomes the
 * client's (j+1)-th source address (10.0.0.100, ...).
 */
final class AddressRemap {

    private final Map<String, String> replacements = new LinkedHashMap<>();
    private final List<String> virtualAddresses = new ArrayList<>();

    private AddressRemap() {}

    /** The number of backends and of extra client addresses a case needs: {@code [backends, clients]}. */
    static int[] needs(JsonNode config) {
        Scan s = Scan.of(config);
        return new int[] {Math.max(1, Math.max(s.backends4.size(), s.backends6.size())), s.clients.size()};
    }

    static AddressRemap onto(JsonNode config, Topology t) {
        Scan s = Scan.of(config);
        AddressRemap r = new AddressRemap();
        int k = 0;
        for (String vip : s.vips4) {
            r.putVirtual(vip, "10.0.0." + (40 + k++));
        }
        k = 0;
        for (String vip : s.vips6) {
            r.putVirtual(vip, "fd00::" + (40 + k++));
        }
        k = 0;
        for (String b : s.backends4) {
            r.put(b, t.backend(k++).address());
        }
        k = 0;
        for (String b : s.backends6) {
            r.put(b, t.backend(k++).address6());
        }
        k = 1;
        for (String c : s.clients) {
            r.put(c, t.client().sourceAddresses().get(k++));
        }
        return r;
    }

    /** The new virtual addresses, to add to the balancer. */
    List<String> virtualAddresses() {
        return List.copyOf(virtualAddresses);
    }

    String apply(String text) {
        String out = text;
        for (Map.Entry<String, String> e : replacements.entrySet()) {
            // Not inside a longer address: 192.168.0.10 must not match 192.168.0.100.
            Pattern p = Pattern.compile("(?<![0-9A-Fa-f:.])" + Pattern.quote(e.getKey()) + "(?![0-9A-Fa-f:])");
            out = p.matcher(out).replaceAll(Matcher.quoteReplacement(e.getValue()));
        }
        return out;
    }

    private void putVirtual(String address, String to) {
        put(address, to);
        virtualAddresses.add(to);
    }

    private void put(String address, String to) {
        replacements.put(address, to);
        // nft prints IPv6 addresses compressed (RFC 5952); the JSON may not.
        replacements.put(InetAddresses.toAddrString(InetAddresses.forString(address)), to);
    }

    private record Scan(Set<String> vips4, Set<String> vips6, Set<String> backends4, Set<String> backends6,
                        Set<String> clients) {
        static Scan of(JsonNode config) {
            Scan s = new Scan(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>(),
                    new LinkedHashSet<>(), new LinkedHashSet<>());
            for (JsonNode farm : config.path("farms")) {
                add(farm.path("virtual-addr").asText(""), s.vips4, s.vips6);
                for (JsonNode b : farm.path("backends")) {
                    add(b.path("ip-addr").asText(""), s.backends4, s.backends6);
                }
                for (JsonNode session : farm.path("sessions")) {
                    s.clients.add(session.path("client").asText().split(" ")[0]);
                }
            }
            return s;
        }

        private static void add(String address, Set<String> v4, Set<String> v6) {
            if (address.isEmpty()) {
                return;
            }
            InetAddress a = InetAddresses.forString(address);
            (a.getAddress().length == 4 ? v4 : v6).add(address);
        }
    }

    @Override
    public String toString() {
        return new ArrayList<>(replacements.entrySet()).toString();
    }
}
