package io.nftlb.core.compile;

import static io.nftlb.core.compile.RulesetCompilerTest.golden;
import static io.nftlb.core.compile.RulesetCompilerTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.InvalidFarmException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Intra-connect (the output hook) and hairpin (masquerade of a backend calling its farm). */
class LocalClientsCompileTest {

    /** One rule in a shard, reached from prerouting and from output. */
    static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web").intraConnect(true)
                .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"));
    }

    /** A chain of its own (persistence, two families, a port range), sNAT. */
    static Farm api() {
        return Farm.snat("10.0.0.41", "fd00::41").ports(443).portRange(8000, 8009).named("api").intraConnect(true)
                .weighted(Backend.of("a4", "10.1.0.12"), Backend.of("a6", "fd00:1::12"))
                .persistent(Duration.ofMinutes(5));
    }

    /** Reached from outside only; no hairpin. */
    static Farm mail() {
        return Farm.dnat("10.0.0.42").port(25).named("mail").hairpin(false)
                .roundRobin(Backend.of("m1", "10.1.0.13"));
    }

    @Test
    void goldenRuleset() throws IOException {
        String actual = render(web(), api(), mail());
        assertEquals(golden("intra-connect.nft", actual), actual);
    }

    @Test
    void withoutIntraConnectThereIsNoOutputPath() {
        String text = render(web().intraConnect(false), mail());
        assertFalse(text.contains("hook output"), text);
        assertFalse(text.contains("intra4"), text);
    }

    @Test
    void onlyIntraConnectFarmsAreInTheIntraMaps() {
        String text = render(web(), mail());
        assertTrue(text.contains("tcp . 10.0.0.40 . 80 : goto shard4-0"), text);
        assertEquals(1, text.split("10\\.0\\.0\\.42", -1).length - 2, "mail's dispatch element once, in farms4: " + text);
    }

    @Test
    void hairpinIsOnByDefaultForDnatOnly() {
        String dnat = render(web().intraConnect(false));
        assertTrue(dnat.contains("ct mark . ip saddr @hairpin4 masquerade"), dnat);
        assertTrue(dnat.contains("0x00000001 . 10.1.0.11"), "b1's mark with b2's address: " + dnat);
        String off = render(mail(), api());
        assertFalse(off.contains("hairpin"), off);
    }

    @Test
    void explainSaysWhereLocalAndHairpinConnectionsGo() {
        String text = RulesetCompiler.compile(List.of(web())).explain("web");
        assertTrue(text.contains("this host's own connections (intra-connect): chain output (hook output)"), text);
        assertTrue(text.contains("hairpin: a backend of this farm calling its service is masqueraded"), text);
        String plain = RulesetCompiler.compile(List.of(mail())).explain("mail");
        assertFalse(plain.contains("intra-connect") || plain.contains("hairpin"), plain);
    }

    @Test
    void hairpinNeedsDnat() {
        InvalidFarmException e = assertThrows(InvalidFarmException.class,
                () -> Farm.snat("10.0.0.41").port(80).named("api").hairpin(true));
        assertEquals("farm \"api\": hairpin on needs dnat forwarding, not snat (masquerade)", e.getMessage());
    }

    @Test
    void intraConnectNeedsConntrack() {
        InvalidFarmException e = assertThrows(InvalidFarmException.class,
                () -> Farm.dsr("10.0.0.43").port(80).named("edge").intraConnect(true));
        assertEquals("farm \"edge\": intra-connect needs conntrack, which dsr forwarding does not use", e.getMessage());
    }
}
