package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Input the daemon refuses, naming the field and value, rather than reading it some lenient way. */
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
    void aListWhereAValueGoesIsRefused() {
        assertEquals("farm \"web\": backend \"b0\": field \"weight\" = \"[1]\" must be a string",
                refused("{\"farms\": [" + FARM.replace("\"10.1.0.10\"", "\"10.1.0.10\", \"weight\": [1]") + "}]}"));
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
    void aPortListWithEmptyItemsIsRefused() {
        for (String ports : new String[] {",,", "80,", ",80", "80,,81"}) {
            assertEquals("farm \"web\": field \"virtual-ports\" = \"" + ports + "\" is not a port list (an empty item)",
                    refused("{\"farms\": [" + FARM.replace("\"80\"", "\"" + ports + "\"") + "}]}"));
        }
    }

    @Test
    void theSameObjectTwiceInOneRequestIsRefused() {
        assertEquals("field \"farms\": \"web\" is given twice in one request",
                refused("{\"farms\": [" + FARM + "}, " + FARM + "}]}"));
        assertEquals("field \"backends\": \"b0\" is given twice in one request", assertThrows(ConfigException.class, () -> {
            var config = ConfigEdits.empty();
            ConfigEdits.merge(config, ConfigMapper.parse("{\"farms\": [" + FARM + "}]}"));
            ConfigEdits.merge(config, ConfigMapper.parse("""
                    {"farms": [{"name": "web", "backends": [{"name": "b0", "weight": "2"}, {"name": "b0", "weight": "3"}]}]}"""));
        }).getMessage());
    }

    @Test
    void aNameThatBeginsOrEndsWithWhiteSpaceIsRefused() {
        assertEquals("field \"name\" = \" web\" must not begin or end with white space",
                refused("{\"farms\": [" + FARM.replace("\"web\"", "\" web\"") + "}]}"));
        assertEquals("field \"name\" = \"b0 \" must not begin or end with white space",
                refused("{\"farms\": [" + FARM.replace("\"b0\"", "\"b0 \"") + "}]}"));
    }
}
