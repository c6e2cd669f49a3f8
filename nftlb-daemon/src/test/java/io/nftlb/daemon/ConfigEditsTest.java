package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ConfigEditsTest {

    @Test
    void aPostedFarmIsMergedIntoTheOneOfItsNameAndItsBackendsByName() {
        ObjectNode config = ConfigEdits.empty();
        ConfigEdits.merge(config, ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "mode": "snat", "backends": [{"name": "b0", "weight": "1"}]}]}"""));
        ConfigEdits.merge(config, ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "mode": "dnat",
                  "backends": [{"name": "b0", "weight": "5"}, {"name": "b1", "ip-addr": "10.1.0.11"}]}]}"""));
        assertEquals(ConfigMapper.parse("""
                {"farms": [{"name": "lb01", "mode": "dnat", "backends": [{"name": "b0", "weight": "5"},
                  {"name": "b1", "ip-addr": "10.1.0.11"}]}], "addresses": [], "policies": []}"""), config);
    }

    @Test
    void removeTakesOneObjectByItsKey() {
        ObjectNode config = ConfigEdits.empty();
        ConfigEdits.merge(config, ConfigMapper.parse("""
                {"farms": [{"name": "lb01"}, {"name": "lb02"}]}"""));
        assertEquals(true, ConfigEdits.remove(config, "farms", "name", "lb01"));
        assertEquals(false, ConfigEdits.remove(config, "farms", "name", "lb01"));
        assertEquals("[{\"name\":\"lb02\"}]", config.get("farms").toString());
    }
}
