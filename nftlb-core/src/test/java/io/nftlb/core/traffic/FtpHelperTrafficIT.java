package io.nftlb.core.traffic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.Helper;
import io.nftlb.testkit.RequiresNetns;
import io.nftlb.testkit.ReturnPath;
import io.nftlb.testkit.Topology;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * A passive FTP download through a dNAT (or sNAT) farm: with the ftp helper the balancer rewrites the
 * server's 227 reply to the virtual address and lets the announced data connection through to the
 * backend; without it, the data connection finds nothing on the virtual address.
 */
@RequiresNetns
class FtpHelperTrafficIT {

    static final String VIP = "10.0.0.40";

    static TinyFtp.Download downloadThrough(Farm farm) throws Exception {
        try (Topology t = Topology.builder().backends(1).returnPath(ReturnPath.VIA_BALANCER).start()) {
            t.balancer().addAddress(VIP);
            Apply.farms(t, farm);
            String backend = t.backend(0).address();
            try (ServerSocket ignored = TinyFtp.serve(t.backend(0).namespace().threadFactory(),
                    InetAddress.getByName(backend), 21)) {
                return t.client().namespace().runInside(() -> TinyFtp.download(VIP, 21));
            }
        }
    }

    static Farm ftpFarm() {
        return Farm.dnat(VIP).port(21).named("ftp").roundRobin(Backend.of("f0", "10.1.0.10"));
    }

    @Test
    void passiveDownloadWorksWithTheFtpHelper() throws Exception {
        TinyFtp.Download d = downloadThrough(ftpFarm().helper(Helper.FTP));
        assertTrue(d.pasvReply().contains("(10,0,0,40,"), "227 rewritten to the virtual address: " + d.pasvReply());
        assertNull(d.failure(), "data connection: " + d.failure());
        assertEquals(TinyFtp.payload().length, d.received().length, "bytes received");
        assertArrayEquals(TinyFtp.payload(), d.received(), "payload");
    }

    @Test
    void passiveDownloadWorksThroughAnSnatFarmWithTheFtpHelper() throws Exception {
        TinyFtp.Download d = downloadThrough(Farm.snat(VIP).port(21).named("ftp")
                .roundRobin(Backend.of("f0", "10.1.0.10")).helper(Helper.FTP));
        assertTrue(d.pasvReply().contains("(10,0,0,40,"), "227 rewritten to the virtual address: " + d.pasvReply());
        assertNull(d.failure(), "data connection: " + d.failure());
        assertArrayEquals(TinyFtp.payload(), d.received(), "payload of " + TinyFtp.payload().length + " bytes");
    }

    @Test
    void passiveDownloadFailsWithoutTheHelper() throws Exception {
        TinyFtp.Download d = downloadThrough(ftpFarm());
        assertTrue(d.pasvReply().contains("(10,1,0,10,"), "227 names the backend, unrewritten: " + d.pasvReply());
        assertNotNull(d.failure(), "the data connection to the virtual address must fail, got "
                + (d.received() == null ? 0 : d.received().length) + " bytes");
    }
}
