package io.nftlb.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.ConnectionTable.Counters;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The meters of a load balancer over the in-memory kernel, read as Prometheus scrapes them. */
class LoadBalancerMetricsTest {

    final MockClock clock = new MockClock();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), clock);
    final FakeTransport kernel = new FakeTransport();
    final AtomicInteger dumps = new AtomicInteger();
    volatile Map<Long, Counters> tracked = Map.of();

    static Farm web() {
        return Farm.dnat("10.0.0.40").port(80).named("web")
                .weighted(Backend.of("b1", "10.1.0.10").weight(100), Backend.of("b2", "10.1.0.11").weight(50));
    }

    LoadBalancer open(LoadBalancerMetrics metrics) {
        kernel.withConnections(new ConnectionTable() {
            @Override
            public long deleteByMark(long mark) {
                return 0;
            }

            @Override
            public Map<Long, Counters> countersByMark() {
                dumps.incrementAndGet();
                return tracked;
            }
        });
        metrics.bindTo(registry);
        LoadBalancer lb = LoadBalancer.builder(kernel).listener(metrics).farms(List.of(web())).open();
        metrics.watch(lb);
        return lb;
    }

    double value(String line) {
        for (String l : registry.scrape().split("\n")) {
            if (l.startsWith(line + " ")) {
                return Double.parseDouble(l.substring(line.length() + 1));
            }
        }
        return Double.NaN;
    }

    @Test
    void commitsAreCountedTimedAndSized() {
        LoadBalancerMetrics metrics = new LoadBalancerMetrics();
        try (LoadBalancer lb = open(metrics)) {
            lb.setWeight("web", "b1", 3).join();
            kernel.failNext("ENOMEM");
            assertThrows(CompletionException.class, () -> lb.setWeight("web", "b1", 4).join());
            lb.setState("web", "b2", BackendState.DRAIN).join();
        }
        assertEquals(1, value("nftlb_commits_seconds_count{cause=\"start_up\",outcome=\"success\"}"));
        assertEquals(2, value("nftlb_commits_seconds_count{cause=\"change\",outcome=\"success\"}"));
        assertEquals(1, value("nftlb_commits_seconds_count{cause=\"change\",outcome=\"failure\"}"));
        assertEquals(1, value("nftlb_commit_failures_total{cause=\"change\",errno=\"ENOMEM\",operation=\"none\"}"));
        assertEquals(3, value("nftlb_commit_changes_count"));
        assertEquals(3, value("nftlb_commit_changes_sum"));
        int ops = kernel.committed().subList(1, 3).stream().mapToInt(t -> t.ops().size()).sum();
        assertEquals(ops, value("nftlb_commit_operations_total{cause=\"change\"}"));
        assertEquals(kernel.committed().get(0).ops().size(), value("nftlb_commit_operations_total{cause=\"start_up\"}"));
        assertTrue(value("nftlb_commit_elements_total{cause=\"change\"}") > 0);
        assertTrue(registry.scrape().contains("nftlb_commits_seconds_bucket{cause=\"change\",outcome=\"success\",le="),
                "a histogram");
    }

    @Test
    void backendGaugesFollowTheFarmsAndReadConntrackOncePerSnapshot() {
        LoadBalancerMetrics metrics = new LoadBalancerMetrics(Duration.ofSeconds(10));
        try (LoadBalancer lb = open(metrics)) {
            tracked = Map.of(lb.marks("web").get("b1"), new Counters(3, 30, 3000));
            registry.scrape(); // registers the backends' gauges
            String scrape = registry.scrape();
            assertEquals(1, dumps.get(), "one dump for every gauge of both scrapes:\n" + scrape);
            assertEquals(3, value("nftlb_backend_connections{backend=\"b1\",farm=\"web\"}"));
            assertEquals(30, value("nftlb_backend_packets{backend=\"b1\",farm=\"web\"}"));
            assertEquals(3000, value("nftlb_backend_bytes{backend=\"b1\",farm=\"web\"}"));
            assertEquals(0, value("nftlb_backend_connections{backend=\"b2\",farm=\"web\"}"));
            assertEquals(100, value("nftlb_backend_weight{backend=\"b1\",farm=\"web\"}"));
            assertEquals(1, value("nftlb_backend_state{backend=\"b1\",farm=\"web\"}"));
            assertEquals(1, value("nftlb_farms"));
            assertEquals(1, value("nftlb_conntrack_dumps_seconds_count"));

            lb.setState("web", "b1", BackendState.DOWN).join();
            lb.remove("web").join();
            lb.apply(Farm.dnat("10.0.0.41").port(80).named("api").weighted(Backend.of("a1", "10.1.0.20"))).join();
            assertEquals(1, value("nftlb_backend_state{backend=\"b1\",farm=\"web\"}"), "the snapshot is still fresh");
            clock.add(Duration.ofSeconds(10));
            registry.scrape(); // takes a snapshot: web's gauges go, api's come
            assertEquals(2, dumps.get());
            assertTrue(Double.isNaN(value("nftlb_backend_state{backend=\"b1\",farm=\"web\"}")));
            assertEquals(1, value("nftlb_backend_weight{backend=\"a1\",farm=\"api\"}"));
            assertEquals(2, dumps.get());
        }
    }

    @Test
    void withoutAConnectionTableOnlyStateAndWeightAreGauged() {
        LoadBalancerMetrics metrics = new LoadBalancerMetrics();
        metrics.bindTo(registry);
        try (LoadBalancer lb = LoadBalancer.builder(new FakeTransport()).listener(metrics).farms(List.of(web()))
                .open()) {
            metrics.watch(lb);
            registry.scrape();
            assertEquals(50, value("nftlb_backend_weight{backend=\"b2\",farm=\"web\"}"));
            assertTrue(Double.isNaN(value("nftlb_backend_connections{backend=\"b2\",farm=\"web\"}")));
            assertEquals(0, value("nftlb_conntrack_dumps_seconds_count"));
            assertThrows(IllegalStateException.class, () -> metrics.watch(lb));
            assertThrows(IllegalStateException.class, () -> metrics.bindTo(registry));
        }
    }

    @Test
    void aCommitBeforeBindingIsNotRecordedAndDoesNotFail() {
        LoadBalancerMetrics metrics = new LoadBalancerMetrics();
        try (LoadBalancer lb = LoadBalancer.builder(kernel).listener(metrics).open()) {
            metrics.bindTo(registry);
            lb.apply(web()).join();
        }
        assertEquals(0, value("nftlb_commits_seconds_count{cause=\"start_up\",outcome=\"success\"}"),
                "the start-up was before binding");
        assertEquals(1, value("nftlb_commits_seconds_count{cause=\"change\",outcome=\"success\"}"));
    }
}
