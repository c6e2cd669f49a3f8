package io.nftlb.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nftlb.core.Backend;
import io.nftlb.core.BackendState;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.testing.FakeTransport;
import io.nftlb.core.transport.ConnectionTable;
import io.nftlb.core.transport.ConnectionTable.Counters;
import io.nftlb.healthcheck.BackendStateSink;
import io.nftlb.healthcheck.CheckPolicy;
import io.nftlb.healthcheck.HealthCheck;
import io.nftlb.healthcheck.HealthMonitor;
import io.nftlb.healthcheck.HealthResult;
import io.nftlb.core.testing.FakeClock;
import io.nftlb.core.testing.FakeScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in docs/ is valid JSON and every metric its queries name is one that the
 * binders register, as Prometheus names it; and every meter the binders have is on it.
 */
class DashboardTest {

    static final Path DASHBOARD = Path.of("..", "docs", "grafana", "nftlb-dashboard.json");
    static final Pattern METRIC = Pattern.compile("\\bnftlb_[a-z0-9_]+");

    @Test
    void theDashboardNamesOnlyMetricsTheBindersMake() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> named = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            named.addAll(metrics(expr.asText()));
        }
        for (JsonNode query : dashboard.path("templating").path("list").findValues("query")) {
            named.addAll(metrics(query.asText()));
        }
        Set<String> scraped = scrapedNames();
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(scraped);
        assertEquals(Set.of(), missing, "named by the dashboard, not made by the binders (they make " + scraped + ")");
        for (String meter : MeterNames.ALL) {
            String prefix = meter.replace('.', '_');
            assertTrue(named.stream().anyMatch(n -> n.startsWith(prefix)), meter + " is not on the dashboard");
        }
    }

    static Set<String> metrics(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** What a registry holds once both binders saw commits, a failure, drift checks, probes and a health change. */
    static Set<String> scrapedNames() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Farm web = Farm.dnat("10.0.0.40").port(80).named("web")
                .weighted(Backend.of("b1", "10.1.0.10"), Backend.of("b2", "10.1.0.11"));
        FakeTransport kernel = new FakeTransport().withConnections(new ConnectionTable() {
            @Override
            public long deleteByMark(long mark) {
                return 0;
            }

            @Override
            public Map<Long, Counters> countersByMark() {
                return Map.of();
            }
        });
        LoadBalancerMetrics metrics = new LoadBalancerMetrics();
        metrics.bindTo(registry);
        try (LoadBalancer lb = LoadBalancer.builder(kernel).listener(metrics).farms(List.of(web))
                .driftCheck(Duration.ofMillis(5)).open()) {
            metrics.watch(lb);
            lb.setWeight("web", "b1", 5).join();
            kernel.failNext("ENOMEM");
            try {
                lb.setWeight("web", "b1", 6).join();
            } catch (CompletionException expected) {
                // counted by errno
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (registry.find(MeterNames.DRIFT_CHECKS).counter() == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            registry.scrape();
        }
        FakeClock clock = FakeClock.create();
        FakeScheduler scheduler = new FakeScheduler(clock);
        boolean[] up = {true};
        try (HealthMonitor m = HealthMonitor.builder(new BackendStateSink() {
            @Override
            public void stateChanged(String f, String b, BackendState s) {}

            @Override
            public void weightsChanged(String f, Map<String, Integer> w) {}
        }).watch(web, CheckPolicy.of(HealthCheck.named("scripted", t -> up[0] ? HealthResult.up("ok")
                : HealthResult.down("no"))).fall(1)).clock(clock).scheduler(scheduler).executor(Runnable::run)
                .spreadFirstProbes(false).build()) {
            new HealthMetrics(m).bindTo(registry);
            m.start();
            scheduler.advance(Duration.ZERO);
            up[0] = false;
            scheduler.advance(Duration.ofSeconds(5));
        }
        Set<String> names = new TreeSet<>();
        registry.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }
}
