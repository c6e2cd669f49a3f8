package io.nftlb.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.TableRef;
import io.nftlb.core.ast.Transaction;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.Transport;
import io.nftlb.netlink.NetlinkTransport;
import io.nftlb.testkit.NetworkNamespace;
import io.nftlb.testkit.RequiresNetns;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 1,000 farms of four backends and 100,000 tracked connections in a real kernel: a scrape of
 * every backend's gauges reads the connection tracking table once, and the connections the gauges
 * show add up to those the table holds for the farms' backends.
 */
@RequiresNetns
class ScrapeAtScaleIT {

    static final int FARMS = 1_000;
    static final int CONNECTIONS = 100_000;

    static List<Farm> farms() {
        List<Farm> farms = new ArrayList<>();
        for (int i = 0; i < FARMS; i++) {
            farms.add(Farm.dnat("10.2." + (i / 250) + "." + (i % 250 + 1)).port(80).named("f" + i).weighted(
                    Backend.of("b0", "10.1.0.10"), Backend.of("b1", "10.1.0.11"), Backend.of("b2", "10.1.0.12"),
                    Backend.of("b3", "10.1.0.13")));
        }
        return farms;
    }

    @Test
    void aScrapeOfAThousandFarmsIsOneConntrackDump(NetworkNamespace ns) {
        AtomicInteger dumps = new AtomicInteger();
        MockClock clock = new MockClock();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), clock);
        LoadBalancerMetrics metrics = new LoadBalancerMetrics(Duration.ofSeconds(15));
        metrics.bindTo(registry);
        try (LoadBalancer lb = LoadBalancer.builder(new CountingDumps(NetlinkTransport.openInNamespace(ns.name()), dumps))
                .listener(metrics).farms(farms()).open()) {
            metrics.watch(lb);
            List<Long> marks = new ArrayList<>();
            lb.farms().forEach(f -> marks.addAll(lb.marks(f.name()).values()));
            assertEquals(4 * FARMS, marks.size());
            TrackedConnections.load(ns, marks, CONNECTIONS);

            registry.scrape(); // the first snapshot registers the backends' gauges
            String scrape = registry.scrape();
            assertEquals(1, dumps.get(), "both scrapes read the same dump");
            assertEquals(CONNECTIONS, sum(scrape, "nftlb_backend_connections{"));
            assertEquals(4 * FARMS, scrape.lines().filter(l -> l.startsWith("nftlb_backend_connections{")).count());

            clock.add(Duration.ofSeconds(15)); // the next scrape interval
            registry.scrape();
            assertEquals(2, dumps.get(), "one dump per scrape interval");
            assertEquals(FARMS, (int) sum(registry.scrape(), "nftlb_farms "));
            assertEquals(2, dumps.get());
        }
    }

    static double sum(String scrape, String prefix) {
        return scrape.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The netlink transport, with its connection table's dumps counted. */
    record CountingDumps(Transport delegate, AtomicInteger dumps) implements Transport {
        @Override
        public void commit(Transaction transaction) {
            delegate.commit(transaction);
        }

        @Override
        public Optional<Table> read(TableRef table) {
            return delegate.read(table);
        }

        @Override
        public long generation() {
            return delegate.generation();
        }

        @Override
        public Table readForm(Table table) {
            return delegate.readForm(table);
        }

        @Override
        public Optional<ConnectionTable> connections() {
            return delegate.connections().map(c -> new ConnectionTable() {
                @Override
                public long deleteByMark(long mark) {
                    return c.deleteByMark(mark);
                }

                @Override
                public Map<Long, Counters> countersByMark() {
                    dumps.incrementAndGet();
                    return c.countersByMark();
                }
            });
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
