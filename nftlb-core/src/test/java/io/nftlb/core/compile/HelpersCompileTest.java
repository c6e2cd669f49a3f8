package io.nftlb.core.compile;

import static io.nftlb.core.compile.RulesetCompilerTest.golden;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.core.InvalidFarmException;
import io.nftlb.core.plan.Planner;
import io.nftlb.core.render.NftText;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Conntrack helpers: a few shared objects, named by one rule of each farm's chain. */
class HelpersCompileTest {

    static Farm ftp() {
        return Farm.snat("10.0.0.50").port(21).named("ftp").helper(Helper.FTP)
                .weighted(Backend.of("f1", "10.1.0.10"), Backend.of("f2", "10.1.0.11"));
    }

    static Farm sip() {
        return Farm.dnat("10.0.0.51", "fd00::51").udp().port(5060).named("sip").helper(Helper.SIP)
                .roundRobin(Backend.of("s1", "10.1.0.12"), Backend.of("s6", "fd00:1::c"));
    }

    @Test
    void goldenRuleset() throws IOException {
        String actual = NftText.render(RulesetCompiler.compile(List.of(ftp(), sip())).ruleset());
        assertEquals(golden("helpers.nft", actual), actual);
    }

    @Test
    void objectsDoNotGrowWithFarms() {
        List<Farm> farms = IntStream.range(0, 100).mapToObj(i -> ftp().named("ftp" + i).ports(2000 + i)).toList();
        int objects = RulesetCompiler.compile(farms).ruleset().tables().get(0).objects().size();
        assertEquals(1, objects, "ct helper objects for 100 ftp farms");
    }

    @Test
    void addingAndRemovingTheOnlyFtpFarmAddsAndDeletesItsObject() {
        RulesetCompiler.Compiled none = RulesetCompiler.compile(List.of(sip()));
        RulesetCompiler.Compiled with = RulesetCompiler.compile(List.of(sip(), ftp()), none.allocation());
        String add = NftText.render(Planner.diff(Optional.of(none), with));
        assertTrue(add.startsWith("add ct helper inet nftlb ftp-tcp"), "object first, before rules use it:\n" + add);
        String remove = NftText.render(Planner.diff(Optional.of(with), none));
        assertTrue(remove.strip().endsWith("delete ct helper inet nftlb ftp-tcp"),
                "object last, after the rules that used it:\n" + remove);
    }

    @Test
    void explainNamesTheHelperAndItsObject() {
        String text = RulesetCompiler.compile(List.of(ftp())).explain("ftp");
        assertTrue(text.contains("  helper: ftp (ct helper objects ftp-tcp)\n"), text);
        assertTrue(text.contains("    meta l4proto tcp ct helper set \"ftp-tcp\"\n"), text);
    }

    @Test
    void helperMustFitTheFarm() {
        assertEquals("farm \"10.0.0.50\": helper ftp reads [TCP], not udp", assertThrows(InvalidFarmException.class,
                () -> Farm.snat("10.0.0.50").udp().port(21).helper(Helper.FTP)).getMessage());
        assertEquals("farm \"10.0.0.50\": helper pptp works for IPv4 only, and the farm has IPv6 addresses",
                assertThrows(InvalidFarmException.class,
                        () -> Farm.snat("10.0.0.50", "fd00::50").port(1723).helper(Helper.PPTP)).getMessage());
    }
}
