package io.nftlb.core.usecases;

import io.nftlb.core.Policy;
import java.util.List;

/** Policies over {@link UseCases#all()}, for golden text and kernel tests in every module. */
public final class PolicyCases {

    private PolicyCases() {}

    /**
     * A blacklist for all farms (IPv4 and IPv6, addresses, networks and ranges) and a whitelist
     * for one farm, on one device.
     */
    public static List<Policy> onDevice(String device) {
        return List.of(
                Policy.blacklist("bad").on(device).networks("10.0.0.3", "192.168.0.0/16", "10.9.0.1-10.9.0.9",
                        "fd00::3", "fd00:9::/64"),
                Policy.whitelist("staff").on(device).forFarm("dual").networks("10.8.0.0/16", "fd00:8::/48"));
    }
}
