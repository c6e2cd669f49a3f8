package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code --check} on each of nftlb's configuration cases: one the daemon supports prints the
 * ruleset and the transaction it would commit (exit 0), one it does not names its unsupported
 * fields (exit 1), and neither changes anything in the kernel, which holds another case's
 * tables throughout (so a check has something to diff against, and to break).
 */
@RequiresNetns
class CheckIT {

    /** The case applied for real first. */
    static final String APPLIED = "013_dnat_ipv4_tcp_weighted_rr";

    record Outcome(int exit, String out, String err) {}

    static Outcome check(Path config, NetworkNamespace ns) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Check.run(Options.parse("--check", "-c", config.toString(), "-n", ns.name()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCaseIsCheckedAndNothingInTheKernelChanges(NetworkNamespace ns) throws Exception {
        ns.execOrThrow("ip", "link", "set", "lo", "up");
        List<Path> cases = ConformanceCases.all();
        Path applied = cases.get(0).resolveSibling(APPLIED).resolve("input.json");
        assertEquals(0, Main.run(Options.parse("-c", applied.toString(), "-e", "-n", ns.name(), "--drift-check", "0")));
        Outcome same = check(applied, ns);
        assertEquals(0, same.exit(), same.err());
        assertTrue(same.out().contains("# the transaction: none"), "the kernel holds this one already:\n" + same.out());

        List<String> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (Path c : cases) {
            String before = ns.listRuleset();
            Outcome o = check(c.resolve("input.json"), ns);
            assertEquals(before, ns.listRuleset(), "case " + c.getFileName() + " changed the kernel");
            boolean supported;
            try {
                ConfigMapper.mapAll(ConfigMapper.read(c.resolve("input.json")), DeviceFinder.ip(Optional.of(ns.name())));
                supported = true;
            } catch (UnsupportedFieldsException e) {
                supported = false;
            }
            if (supported) {
                assertEquals(0, o.exit(), "case " + c.getFileName() + ": " + o.err());
                assertTrue(o.out().contains("table inet nftlb {"), "case " + c.getFileName() + ":\n" + o.out());
                assertTrue(o.out().contains(c.getFileName().toString().equals(APPLIED) ? "# the transaction: none"
                        : "# the transaction against the kernel's tables now"), "case " + c.getFileName() + ":\n" + o.out());
                valid.add(c.getFileName().toString());
            } else {
                assertEquals(1, o.exit(), "case " + c.getFileName() + ": " + o.out());
                assertTrue(o.err().contains("is not supported"), "case " + c.getFileName() + ": " + o.err());
                invalid.add(c.getFileName().toString());
            }
        }
        assertTrue(valid.size() > cases.size() / 2, "valid " + valid + ", invalid " + invalid);
    }

    @Test
    void withoutAConfigurationItSaysSo(NetworkNamespace ns) {
        Outcome o = new Outcome(Check.run(Options.parse("--check", "-n", ns.name()), System.out,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)), "", "");
        assertEquals(2, o.exit());
    }
}
