package io.nftlb.core.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.compile.RulesetCompiler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * nft reads the rendered text whatever the JVM's default locale is: under Turkish,
 * {@code "INC".toLowerCase()} is {@code "ınc"} and nft refuses {@code numgen ınc}.
 */
class LocaleTest {

    @Test
    void roundRobinRendersTheSameUnderTurkish() throws IOException {
        Farm web = Farm.dnat("10.0.0.40").port(80).named("web")
                .roundRobin(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"));
        Locale saved = Locale.getDefault();
        String text;
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));
            text = NftText.render(RulesetCompiler.compile(List.of(web)).ruleset());
        } finally {
            Locale.setDefault(saved);
        }
        try (InputStream in = LocaleTest.class.getResourceAsStream("/golden/round-robin-dnat.nft")) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), text);
        }
    }
}
