package io.nftlb.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelFeatureTest {

    static final String CONFIG = """
            CONFIG_NFT_CT=y
            # CONFIG_NFT_QUEUE is not set
            CONFIG_NFT_QUEUE_X=y
            CONFIG_IP_VS=m
            """;

    @Test
    void configLineIsTheWholeLineForExactlyTheSymbol() {
        assertEquals("# CONFIG_NFT_QUEUE is not set", KernelFeature.configLine(CONFIG, "CONFIG_NFT_QUEUE"));
        assertEquals("CONFIG_IP_VS=m", KernelFeature.configLine(CONFIG, "CONFIG_IP_VS"));
        assertEquals("CONFIG_NF_FLOW_TABLE not mentioned", KernelFeature.configLine(CONFIG, "CONFIG_NF_FLOW_TABLE"));
        assertEquals("CONFIG_NFT_CT=y", KernelFeature.configLine(CONFIG, "CONFIG_NFT_CT"));
    }

    @Test
    void noConfigurationSaysSo() {
        assertEquals("neither /proc/config.gz nor /boot/config-RELEASE is readable",
                KernelFeature.configLine(null, "CONFIG_IP_VS"));
    }
}
