package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A chain: a list of rules. A base chain is attached to a netfilter hook and sees packets;
 * a regular chain is only reached by jump or goto.
 */
public record Chain(String name, Optional<Hook> hook, List<Rule> rules) {

    public Chain {
        requireNonNull(name, "name");
        requireNonNull(hook, "hook");
        rules = List.copyOf(rules);
    }

    /** A regular chain. */
    public static Chain regular(String name, List<Rule> rules) {
        return new Chain(name, Optional.empty(), rules);
    }

    /** A base chain. */
    public static Chain base(String name, Hook hook, List<Rule> rules) {
        return new Chain(name, Optional.of(hook), rules);
    }

    /** Where and how a base chain is attached. */
    public record Hook(ChainType type, HookPoint point, int priority, Verdict.Kind policy, Optional<String> device) {
        public Hook {
            requireNonNull(type, "type");
            requireNonNull(point, "point");
            requireNonNull(policy, "policy");
            requireNonNull(device, "device");
            if (policy != Verdict.Kind.ACCEPT && policy != Verdict.Kind.DROP) {
                throw new IllegalArgumentException("chain policy must be accept or drop: " + policy);
            }
            if ((point == HookPoint.INGRESS) != device.isPresent()) {
                throw new IllegalArgumentException("a device goes with the ingress hook and only with it");
            }
        }

        public static Hook of(ChainType type, HookPoint point, int priority) {
            return new Hook(type, point, priority, Verdict.Kind.ACCEPT, Optional.empty());
        }

        public static Hook ingress(String device, int priority) {
            return new Hook(ChainType.FILTER, HookPoint.INGRESS, priority, Verdict.Kind.ACCEPT, Optional.of(device));
        }
    }

    /** Chain types. */
    public enum ChainType {
        FILTER("filter"), NAT("nat"), ROUTE("route");

        private final String keyword;

        ChainType(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** Netfilter hooks, with the kernel's hook numbers for the ip/ip6/inet families. */
    public enum HookPoint {
        PREROUTING("prerouting", 0), INPUT("input", 1), FORWARD("forward", 2), OUTPUT("output", 3),
        POSTROUTING("postrouting", 4), INGRESS("ingress", 0);

        private final String keyword;
        private final int number;

        HookPoint(String keyword, int number) {
            this.keyword = keyword;
            this.number = number;
        }

        public String keyword() {
            return keyword;
        }

        /** NF_INET_* number (NF_NETDEV_INGRESS = 0 for the netdev family). */
        public int number() {
            return number;
        }
    }

    /** Named priorities nft prints instead of numbers. */
    public static final int PRIORITY_RAW = -300, PRIORITY_MANGLE = -150, PRIORITY_DSTNAT = -100,
            PRIORITY_FILTER = 0, PRIORITY_SECURITY = 50, PRIORITY_SRCNAT = 100;
}
