package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.PortRange;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Input the daemon refuses, naming the field and value, rather than reading it some lenient way;
 * and input nftlb takes, which the daemon reads as nftlb does (the differential test shows nftlb
 * answers success to each).
 */
class StrictJsonTest {

    static final String FARM = """
            {"name": "web", "virtual-addr": "10.0.0.40", "virtual-ports": "80", "mode": "dnat",
             "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]""";

    private static String refused(String config) {
        return assertThrows(ConfigException.class, () -> {
            var merged = ConfigEdits.empty();
            ConfigEdits.merge(merged, ConfigMapper.parse(config));
            ConfigMapper.mapAll(merged, DeviceFinder.none());
        }).getMessage();
    }

    @Test
    void dataAfterTheDocumentIsRefused() {
        String message = refused("{\"farms\": []}{\"farms\": [" + FARM + "}]}");
        assertTrue(message.startsWith("configuration is not JSON: Trailing token"), message);
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() {
        byte[] bytes = ("{\"farms\": [{\"name\": \"caf\u00e9\"}]}").getBytes(StandardCharsets.ISO_8859_1);
        String message = assertThrows(ConfigException.class, () -> ConfigMapper.parse(bytes)).getMessage();
        assertTrue(message.startsWith("configuration is not valid UTF-8"), message);
        assertEquals("café", ConfigMapper.parse("{\"farms\": [{\"name\": \"café\"}]}".getBytes(StandardCharsets.UTF_8))
                .get("farms").get(0).get("name").asText());
    }

    @Test
    void aListWhereAValueGoesIsReadAsNftlbReadsIt() {
        // nftlb reads the strings of the list in turn and skips what is not a string: [1] changes nothing.
        var config = ConfigEdits.empty();
        ConfigEdits.merge(config, ConfigMapper.parse("{\"farms\": [" + FARM + "}]}"));
        ConfigEdits.merge(config, ConfigMapper.parse("""
                {"farms": [{"name": "web", "backends": [{"name": "b0", "weight": [1]}]}]}"""));
        assertEquals("{\"name\":\"b0\",\"ip-addr\":\"10.1.0.10\"}", config.at("/farms/0/backends/0").toString());
        ConfigEdits.merge(config, ConfigMapper.parse("""
                {"farms": [{"name": "web", "backends": [{"name": "b0", "weight": ["2", 7, "3"]}]}]}"""));
        assertEquals("3", config.at("/farms/0/backends/0/weight").asText());
        assertEquals("farm \"web\": field \"mode\" = \"{\"a\":1}\" must be a string",
                refused("{\"farms\": [" + FARM.replace("\"dnat\"", "{\"a\": 1}") + "}]}"));
    }

    @Test
    void aValueWhereAListGoesIsRefused() {
        assertEquals("farm \"web\": field \"sessions\" = \"\"x\"\" must be a list",
                refused("{\"farms\": [" + FARM + ", \"sessions\": \"x\"}]}"));
        assertEquals("farm \"web\": field \"addresses\" = \"\"a1\"\" must be a list",
                refused("{\"farms\": [" + FARM + ", \"addresses\": \"a1\"}]}"));
    }

    @Test
    void aPortListsEmptyItemsAreSkippedAsNftlbSkipsThem() {
        assertEquals(List.of(PortRange.of(80), PortRange.of(81)), Values.ports("farm", "virtual-ports", "80,,81"));
        assertEquals(List.of(), Values.ports("farm", "virtual-ports", ",,"));
    }

    @Test
    void theSameObjectTwiceInOneRequestIsMergedAsNftlbMergesIt() {
        var config = ConfigEdits.empty();
        ConfigEdits.merge(config, ConfigMapper.parse("{\"farms\": [" + FARM + "}, "
                + FARM.replace("\"80\"", "\"81\"") + "}]}"));
        assertEquals(1, config.get("farms").size());
        assertEquals("81", config.at("/farms/0/virtual-ports").asText());
    }

    @Test
    void aNameWithWhiteSpaceAroundItIsKeptAsGiven() {
        var config = ConfigEdits.empty();
        ConfigEdits.merge(config, ConfigMapper.parse("{\"farms\": [" + FARM.replace("\"web\"", "\" lead\"") + "}]}"));
        assertEquals(" lead", config.at("/farms/0/name").asText());
    }
}
