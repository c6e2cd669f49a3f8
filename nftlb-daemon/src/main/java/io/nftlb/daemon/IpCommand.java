package io.nftlb.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code ip} (iproute2) and picks fields out of what it prints. */
final class IpCommand {

    private IpCommand() {}

    /** {@code ip}'s output, or empty if it failed (e.g. no route). */
    static Optional<String> run(Optional<String> netns, String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        netns.ifPresent(n -> command.addAll(List.of("-n", n)));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + " (iproute2)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static Optional<String> field(String output, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
