package io.nftlb.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a batch of requests from the {@link Client} found out: which backend answered each
 * request, what client address each backend saw, and why the others failed.
 *
 * <p>Requests are numbered in the order they were started; with concurrency 1 that is also
 * the order in which the balancer saw the new connections. {@link #toString()} sums it all
 * up for assertion messages: {@code assertEquals(5, tally.count("b0"), tally.toString())}.
 */
public final class Tally {
    /** How many entries of the sequence {@link #toString()} shows. */
    private static final int SEQUENCE_SHOWN = 40;

    private final List<Outcome> outcomes;

    /** The result of one request. */
    public sealed interface Outcome permits Answered, Failed {
        /** The request's number, from 0, in the order requests were started. */
        int index();

        /** The client address the request was sent from. */
        String source();
    }

    /**
     * A request a backend answered.
     *
     * @param index the request's number
     * @param source the client address it was sent from
     * @param backend the name of the backend that answered
     * @param peerAddress the client address as the backend saw it (the balancer's, after sNAT)
     * @param peerPort the client port as the backend saw it
     */
    public record Answered(int index, String source, String backend, String peerAddress, int peerPort)
            implements Outcome {}

    /**
     * A request that got no answer.
     *
     * @param index the request's number
     * @param source the client address it was sent from
     * @param reason why it failed
     * @param detail the underlying error, for humans
     */
    public record Failed(int index, String source, FailureReason reason, String detail) implements Outcome {}

    Tally(List<Outcome> outcomes) {
        this.outcomes = List.copyOf(outcomes);
    }

    /** Every request's outcome, in request order. */
    public List<Outcome> outcomes() {
        return outcomes;
    }

    /** This tally's outcomes followed by {@code later}'s, numbered on after this one's. */
    public Tally plus(Tally later) {
        List<Outcome> all = new ArrayList<>(outcomes);
        int offset = outcomes.size();
        for (Outcome o : later.outcomes) {
            all.add(switch (o) {
                case Answered a -> new Answered(a.index() + offset, a.source(), a.backend(), a.peerAddress(), a.peerPort());
                case Failed f -> new Failed(f.index() + offset, f.source(), f.reason(), f.detail());
            });
        }
        return new Tally(all);
    }

    /** How many requests were made (answered or not). */
    public int requests() {
        return outcomes.size();
    }

    /** How many requests a backend answered. */
    public int answered() {
        return (int) outcomes.stream().filter(Answered.class::isInstance).count();
    }

    /** How many requests failed. */
    public int failed() {
        return requests() - answered();
    }

    /** Answers per backend name, sorted by name; backends that never answered are absent. */
    public Map<String, Integer> countsByBackend() {
        Map<String, Integer> counts = new TreeMap<>();
        answers().forEach(a -> counts.merge(a.backend(), 1, Integer::sum));
        return Collections.unmodifiableMap(counts);
    }

    /** How many requests backend {@code backend} answered. */
    public int count(String backend) {
        return countsByBackend().getOrDefault(backend, 0);
    }

    /** The names of the backends that answered, sorted. */
    public Set<String> backends() {
        return countsByBackend().keySet();
    }

    /** The backend that answered each answered request, in request order (failures left out). */
    public List<String> sequence() {
        return answers().map(Answered::backend).toList();
    }

    /** For each backend, the client addresses it saw (after any NAT), sorted. */
    public Map<String, Set<String>> peersByBackend() {
        return Collections.unmodifiableMap(answers().collect(Collectors.groupingBy(Answered::backend, TreeMap::new,
                Collectors.mapping(Answered::peerAddress, Collectors.toCollection(TreeSet::new)))));
    }

    /**
     * For each client source address, the backends that answered it, sorted: with
     * persistence by source address, every set has exactly one element.
     */
    public Map<String, Set<String>> backendsBySource() {
        return Collections.unmodifiableMap(answers().collect(Collectors.groupingBy(Answered::source, TreeMap::new,
                Collectors.mapping(Answered::backend, Collectors.toCollection(TreeSet::new)))));
    }

    /** Failures per reason. */
    public Map<FailureReason, Integer> failuresByReason() {
        Map<FailureReason, Integer> counts = new EnumMap<>(FailureReason.class);
        outcomes.stream().filter(Failed.class::isInstance).map(Failed.class::cast)
                .forEach(f -> counts.merge(f.reason(), 1, Integer::sum));
        return Collections.unmodifiableMap(counts);
    }

    /**
     * A summary for assertion messages, e.g.
     * {@code 10 requests: 9 answered, 1 failed {REFUSED=1}; by backend {b0=5, b1=4}; peers
     * {b0=[10.0.0.2], b1=[10.0.0.2]}; sequence b0 b1 b0 ...; first failure #3 from 10.0.0.2:
     * REFUSED (Connection refused)}.
     */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append(requests()).append(" requests: ").append(answered()).append(" answered, ").append(failed())
                .append(" failed");
        if (failed() > 0) {
            text.append(' ').append(failuresByReason());
        }
        text.append("; by backend ").append(countsByBackend());
        text.append("; peers ").append(peersByBackend());
        Map<String, Set<String>> bySource = backendsBySource();
        if (bySource.size() > 1) {
            text.append("; by source ").append(new LinkedHashMap<>(bySource));
        }
        List<String> sequence = sequence();
        text.append("; sequence ").append(String.join(" ", sequence.subList(0, Math.min(SEQUENCE_SHOWN, sequence.size()))));
        if (sequence.size() > SEQUENCE_SHOWN) {
            text.append(" ...");
        }
        outcomes.stream().filter(Failed.class::isInstance).map(Failed.class::cast).findFirst()
                .ifPresent(f -> text.append("; first failure #").append(f.index()).append(" from ").append(f.source())
                        .append(": ").append(f.reason()).append(" (").append(f.detail()).append(')'));
        return text.toString();
    }

    private java.util.stream.Stream<Answered> answers() {
        return outcomes.stream().filter(Answered.class::isInstance).map(Answered.class::cast);
    }
}
