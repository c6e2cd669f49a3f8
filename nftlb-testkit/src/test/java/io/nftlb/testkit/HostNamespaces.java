package io.nftlb.testkit;

import io.nftlb.testkit.internal.Commands;
import io.nftlb.testkit.internal.Tools;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the host (root namespace) looks like, for checks that the kit leaves it alone. */
final class HostNamespaces {
    private static final Pattern KIT_NAME = Pattern.compile("nftlbt-(\\d+)-\\d+");
    private static final long PID = ProcessHandle.current().pid();

    private HostNamespaces() {}

    /** Names from {@code ip netns list}. */
    static Set<String> list() {
        String out = Commands.run(List.of(Tools.ip(), "netns", "list"), null, Duration.ofSeconds(10)).orThrow().stdout();
        Set<String> names = new TreeSet<>();
        Arrays.stream(out.split("\n")).map(String::strip).filter(l -> !l.isEmpty())
                .forEach(l -> names.add(l.split("\\s+")[0]));
        return names;
    }

    /**
     * Names from {@code ip netns list}, without the kit's namespaces of other JVMs still
     * running (parallel builds on this machine), which this JVM does not own.
     */
    static Set<String> listOwnedHereOrForeign() {
        Set<String> names = list();
        names.removeIf(n -> {
            Matcher m = KIT_NAME.matcher(n);
            return m.matches() && Long.parseLong(m.group(1)) != PID;
        });
        return names;
    }

    /** The root namespace's ruleset, listed from this (root) thread. */
    static String rootRuleset() {
        return Commands.run(List.of(Tools.nft(), "list", "ruleset"), null, Duration.ofSeconds(30)).orThrow().stdout();
    }
}
