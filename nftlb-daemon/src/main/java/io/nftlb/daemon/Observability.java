package io.nftlb.daemon;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nftlb.core.Backend;
import io.nftlb.core.Farm;
import io.nftlb.core.runtime.CommitListener;
import io.nftlb.core.runtime.FarmCounters;
import io.nftlb.core.runtime.LoadBalancer;
import io.nftlb.core.transport.ConnectionTable.Counters;
import io.nftlb.micrometer.LoadBalancerMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon adds to nftlb's API to be watched, on paths nftlb does not use:
 * {@code GET /metrics}, the load balancer's meters ({@link LoadBalancerMetrics}) in Prometheus's
 * text format, and {@code GET /status/farms[/NAME]}, each farm's {@code explain} text with its
 * backends' state, weight and live counters (JSON; the counters of all farms from one conntrack
 * dump). Both need the API's key, unless {@code --metrics-without-key} opens {@code /metrics}.
 */
final class Observability {

    private static final Logger log = LoggerFactory.getLogger(Observability.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final LoadBalancerMetrics metrics = new LoadBalancerMetrics();
    private final boolean metricsWithoutKey;
    private volatile LoadBalancer lb;

    Observability(boolean metricsWithoutKey) {
        this.metricsWithoutKey = metricsWithoutKey;
        metrics.bindTo(registry);
    }

    /** What the load balancer must be given before it opens, so that its start-up counts. */
    List<CommitListener> listeners() {
        return List.of(metrics, new CommitLog());
    }

    /** The daemon whose load balancer the gauges and the status view read. */
    void watch(Daemon daemon) {
        lb = daemon.loadBalancer();
        metrics.watch(lb);
    }

    /**
     * Answers a request for one of its paths.
     *
     * @param keyGiven whether the request carries the API's key
     * @return false if the path is not one of these (nftlb's API answers it)
     */
    boolean handle(Request request, Response response, Callback callback, List<String> path, boolean keyGiven) {
        boolean metricsPath = path.equals(List.of("metrics"));
        boolean statusPath = !path.isEmpty() && path.get(0).equals("status");
        if (!metricsPath && !statusPath) {
            return false;
        }
        if (!keyGiven && !(metricsPath && metricsWithoutKey)) {
            send(response, callback, 401, "application/json", new byte[0]); // as the API: 401 without a body
            return true;
        }
        if (!request.getMethod().equals("GET")) {
            send(response, callback, 405, "application/json",
                    Api.Reply.error(405, "method " + request.getMethod() + " is not allowed").bytes());
            return true;
        }
        try {
            if (metricsPath) {
                send(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape().getBytes(StandardCharsets.UTF_8));
                return true;
            }
            Api.Reply reply = status(path);
            send(response, callback, reply.status(), "application/json", reply.bytes());
        } catch (IllegalArgumentException e) {
            // The farm went away between reading it and its counters.
            send(response, callback, 404, "application/json", Api.Reply.error(404, e.getMessage()).bytes());
        } catch (RuntimeException e) {
            log.warn("/{} failed", String.join("/", path), e);
            send(response, callback, 500, "application/json", Api.Reply.error(500, e.toString()).bytes());
        }
        return true;
    }

    private Api.Reply status(List<String> path) {
        if (path.size() < 2 || path.size() > 3 || !path.get(1).equals("farms")) {
            return Api.Reply.error(404, "no such resource: /" + String.join("/", path));
        }
        ArrayNode farms = ConfigMapper.JSON.createArrayNode();
        if (path.size() == 3) {
            Optional<Farm> farm = lb.farm(path.get(2));
            if (farm.isEmpty()) {
                return Api.Reply.error(404, "farm \"" + path.get(2) + "\" does not exist");
            }
            farms.add(farm(farm.get(), counters(() -> Map.of(path.get(2), lb.counters(path.get(2))))));
        } else {
            Map<String, FarmCounters> all = counters(lb::counters);
            lb.farms().forEach(f -> farms.add(farm(f, all)));
        }
        ObjectNode out = ConfigMapper.JSON.createObjectNode();
        out.set("farms", farms);
        return new Api.Reply(200, out.toString());
    }

    /** The counters, or none if the transport cannot reach conntrack. */
    private static Map<String, FarmCounters> counters(java.util.function.Supplier<Map<String, FarmCounters>> read) {
        try {
            return read.get();
        } catch (UnsupportedOperationException e) {
            return Map.of();
        }
    }

    private ObjectNode farm(Farm farm, Map<String, FarmCounters> counters) {
        ObjectNode out = ConfigMapper.JSON.createObjectNode();
        out.put("name", farm.name());
        out.put("explain", lb.explain(farm.name()).orElse(""));
        ArrayNode backends = out.putArray("backends");
        FarmCounters fc = counters.get(farm.name());
        for (Backend b : farm.backends()) {
            ObjectNode o = backends.addObject();
            o.put("name", b.name());
            o.put("state", b.state().name().toLowerCase(java.util.Locale.ROOT));
            o.put("weight", b.weight());
            if (fc != null) {
                Counters c = fc.backend(b.name());
                o.put("connections", c.connections());
                o.put("packets", c.packets());
                o.put("bytes", c.bytes());
            }
        }
        return out;
    }

    private static void send(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
