package io.nftlb.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A request maps only the farms it touches: the device lookups of farms with policies but no
 * iface are not made again for a request about another farm, only after the devices changed.
 */
class DeviceLookupsTest {

    static final int FARMS = 300;

    /** Counts lookups; its answers change only when {@code generation} does. */
    static final class Counting implements DeviceFinder {
        final AtomicInteger lookups = new AtomicInteger();
        final AtomicLong generation = new AtomicLong();

        @Override
        public Optional<String> deviceOf(InetAddress virtualAddress) {
            lookups.incrementAndGet();
            return Optional.of("eth0");
        }

        // No @Override: the test compiles against a DeviceFinder without generations too.
        public long generation() {
            return generation.get();
        }
    }

    static String config() {
        StringBuilder b = new StringBuilder("""
                {"policies": [{"name": "black001", "type": "blacklist", "elements": [{"data": "192.0.2.1"}]}],
                 "farms": [""");
        for (int i = 0; i < FARMS; i++) {
            b.append(i == 0 ? "" : ",").append("""
                    {"name": "f%d", "virtual-addr": "10.0.%d.%d", "virtual-ports": "80", "mode": "dnat",
                     "policies": [{"name": "black001"}], "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}"""
                    .formatted(i, i / 250, i % 250 + 1));
        }
        return b.append("]}").toString();
    }

    @Test
    void aRequestAboutOneFarmLooksUpNoDeviceOfTheOthers() {
        Counting devices = new Counting();
        try (Daemon daemon = Daemon.start(new NullKernel(), ConfigMapper.parse(config()), devices)) {
            devices.lookups.set(0);
            daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse("""
                    {"farms": [{"name": "other", "virtual-addr": "10.9.0.1", "virtual-ports": "80", "mode": "dnat",
                                "backends": [{"name": "b0", "ip-addr": "10.1.0.10"}]}]}""")));
            assertEquals(0, devices.lookups.get(), "device lookups for a request about another farm");

            daemon.change(c -> ConfigEdits.merge(c, ConfigMapper.parse("""
                    {"farms": [{"name": "f7", "backends": [{"name": "b1", "ip-addr": "10.1.0.11"}]}]}""")));
            assertEquals(1, devices.lookups.get(), "the touched farm's lookup only");

            devices.generation.incrementAndGet(); // a link changed: every answer may differ
            devices.lookups.set(0);
            daemon.change(c -> ConfigEdits.remove(c, "farms", "name", "other"));
            assertEquals(FARMS, devices.lookups.get(), "every farm that uses a device, after a change of devices");
        }
    }

    @Test
    void watchedDevicesRememberAnswersUntilTheMonitorReportsAChange() throws Exception {
        Counting lookup = new Counting();
        PipedOutputStream monitor = new PipedOutputStream();
        try (WatchedDevices devices = new WatchedDevices(lookup, new PipedInputStream(monitor), () -> { })) {
            InetAddress vip = InetAddress.getByName("10.0.0.40");
            devices.deviceOf(vip);
            devices.deviceOf(vip);
            assertEquals(1, lookup.lookups.get());
            long before = devices.generation();
            monitor.write("2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500 state UP\n".getBytes(StandardCharsets.UTF_8));
            monitor.flush();
            for (int i = 0; i < 600 && devices.generation() == before; i++) {
                Thread.sleep(50);
            }
            devices.deviceOf(vip);
            assertEquals(2, lookup.lookups.get(), "looked up again after the change");
            monitor.close(); // the monitor ended: nothing is remembered from then on
            // Once the monitor is gone every call gives a new generation: wait for that.
            for (int i = 0; i < 600 && devices.generation() == devices.generation(); i++) {
                Thread.sleep(50);
            }
            devices.deviceOf(vip);
            devices.deviceOf(vip);
            assertEquals(4, lookup.lookups.get());
        }
    }
}
