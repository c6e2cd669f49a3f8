package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** A statement of a rule: a match, a verdict, or an action on the packet or its conntrack entry. */
public sealed interface Stmt {

    /** {@code left op right}: the rule goes on only when the comparison holds. */
    record Match(Expr left, Op op, Expr right) implements Stmt {
        public Match {
            requireNonNull(left, "left");
            requireNonNull(op, "op");
            requireNonNull(right, "right");
        }

        /** {@code left right} (equality, set membership, or any flag set for flag types). */
        public static Match eq(Expr left, Expr right) {
            return new Match(left, Op.EQ, right);
        }
    }

    /**
     * Comparison operators. EQ is implicit in nft's output ({@code tcp dport 80}); on a flag type
     * it means "any of these bits is set" ({@code ct state new}). NONE_OF is for flag types only:
     * none of these bits is set ({@code ct status ! confirmed}); NE on a flag type compares the
     * whole value, as nft does.
     */
    enum Op {
        EQ(""), NE("!="), LT("<"), GT(">"), LE("<="), GE(">="), NONE_OF("!");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** {@code accept}, {@code drop}, {@code jump chain}... */
    record VerdictStmt(Verdict verdict) implements Stmt {
        public VerdictStmt {
            requireNonNull(verdict, "verdict");
        }
    }

    /** {@code key vmap @name}: jump, goto or decide by a verdict map lookup. */
    record VerdictMap(Expr key, Expr map) implements Stmt {
        public VerdictMap {
            requireNonNull(key, "key");
            requireNonNull(map, "map");
        }
    }

    /** {@code ct mark set value}. */
    record CtSet(CtKey key, Expr value) implements Stmt {
        public CtSet {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
        }
    }

    /** {@code meta mark set value}. */
    record MetaSet(MetaKey key, Expr value) implements Stmt {
        public MetaSet {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
        }
    }

    /** {@code ether daddr set value}: rewrites a header field (checksums fixed as nft does). */
    record PayloadSet(PayloadField field, Expr value) implements Stmt {
        public PayloadSet {
            requireNonNull(field, "field");
            requireNonNull(value, "value");
        }
    }

    /** {@code dnat ip to addr[:port]} or {@code snat}. The address may be a map lookup. */
    record Nat(NatKind kind, Family family, Optional<Expr> address, Optional<Expr> port, Set<NatFlag> flags)
            implements Stmt {
        public Nat {
            requireNonNull(kind, "kind");
            requireNonNull(family, "family");
            requireNonNull(address, "address");
            requireNonNull(port, "port");
            flags = Set.copyOf(flags);
            if (family != Family.IP && family != Family.IP6) {
                throw new IllegalArgumentException("nat family must be ip or ip6: " + family);
            }
        }
    }

    enum NatKind { SNAT, DNAT }

    enum NatFlag { PERSISTENT, RANDOM, FULLY_RANDOM }

    /** {@code masquerade}: sNAT to the address of the outgoing interface. */
    record Masquerade(Set<NatFlag> flags) implements Stmt {
        public Masquerade {
            flags = Set.copyOf(flags);
        }
    }

    /** {@code redirect [to :port]}: dNAT to this host. */
    record Redirect(Optional<Expr> port) implements Stmt {
        public Redirect {
            requireNonNull(port, "port");
        }
    }

    /** {@code counter}. */
    record Counter() implements Stmt {}

    /**
     * {@code limit rate [over] N/unit [burst B packets|bytes]}. A packet limit's burst of 5 is
     * the kernel's default for none and is kept as 0 (none), so that a rule reads back from the
     * kernel equal to how it was written.
     */
    record Limit(long rate, TimeUnit per, long burst, boolean bytes, boolean over) implements Stmt {
        /** The burst the kernel gives a packet limit that has none. */
        public static final long DEFAULT_PACKET_BURST = 5;

        public Limit {
            requireNonNull(per, "per");
            if (rate <= 0) {
                throw new IllegalArgumentException("limit rate must be > 0: " + rate);
            }
            if (burst < 0) {
                throw new IllegalArgumentException("limit burst must be >= 0: " + burst);
            }
            if (!bytes && burst == DEFAULT_PACKET_BURST) {
                burst = 0;
            }
        }
    }

    /** Time units of rates, as nft spells them. */
    enum TimeUnit {
        SECOND("second", 1), MINUTE("minute", 60), HOUR("hour", 3600), DAY("day", 86400), WEEK("week", 604800);

        private final String keyword;
        private final long seconds;

        TimeUnit(String keyword, long seconds) {
            this.keyword = keyword;
            this.seconds = seconds;
        }

        public String keyword() {
            return keyword;
        }

        public long seconds() {
            return seconds;
        }
    }

    /**
     * {@code log [prefix "..."] [level L] [group G]}. Level {@code warn} is the kernel's default
     * for none and is kept as none, so that a rule reads back equal to how it was written.
     */
    record Log(Optional<String> prefix, Optional<String> level, OptionalInt group) implements Stmt {
        /** The level the kernel gives a log that has none. */
        public static final String DEFAULT_LEVEL = "warn";

        public Log {
            requireNonNull(prefix, "prefix");
            requireNonNull(level, "level");
            requireNonNull(group, "group");
            if (level.filter(DEFAULT_LEVEL::equals).isPresent()) {
                level = Optional.empty();
            }
        }
    }

    /** {@code reject [with tcp reset]}. */
    record Reject(boolean tcpReset) implements Stmt {}

    /**
     * {@code add|update @set { key [timeout T] [stateful] [: data] }}: a dynamic set or map written
     * from the packet path (persistence, bans). A stateful statement ({@link Limit} or
     * {@link Connlimit}) keeps its state in the element, one per key: a rate or connection count
     * per client; the statement then matches like that statement would ({@code limit rate over}).
     */
    record SetUpdate(SetOp op, String set, Expr key, Optional<Expr> data, Optional<Duration> timeout,
                     Optional<Stmt> stateful) implements Stmt {
        public SetUpdate {
            requireNonNull(op, "op");
            requireNonNull(set, "set");
            requireNonNull(key, "key");
            requireNonNull(data, "data");
            requireNonNull(timeout, "timeout");
            requireNonNull(stateful, "stateful");
            stateful.ifPresent(st -> {
                if (!(st instanceof Limit || st instanceof Connlimit || st instanceof Counter || st instanceof Quota)) {
                    throw new IllegalArgumentException("a set element keeps only stateful statements, not " + st);
                }
            });
        }

        /** Without a stateful statement. */
        public SetUpdate(SetOp op, String set, Expr key, Optional<Expr> data, Optional<Duration> timeout) {
            this(op, set, key, data, timeout, Optional.empty());
        }
    }

    enum SetOp { ADD, UPDATE, DELETE }

    /** {@code notrack}: no conntrack for this packet (stateless forwarding). */
    record Notrack() implements Stmt {}

    /** {@code queue num N [bypass] [fanout]}: hands the packet to user space (NFQUEUE). */
    record Queue(int num, int total, boolean bypass, boolean fanout) implements Stmt {}

    /** {@code ct count [over] N}: matches on the number of connections (connlimit). */
    record Connlimit(long count, boolean over) implements Stmt {}

    /** {@code quota [over] N bytes}. */
    record Quota(long bytes, boolean over) implements Stmt {}

    /** {@code ct helper set "name"}, {@code counter name "x"}...: applies a named stateful object. */
    record ObjRef(ObjectKind kind, String name) implements Stmt {
        public ObjRef {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
        }
    }

    /** {@code fwd to dev [ip to addr]}: forwards from netdev ingress out of a device. */
    record Fwd(String device, Optional<Expr> address) implements Stmt {
        public Fwd {
            requireNonNull(device, "device");
            requireNonNull(address, "address");
        }
    }

    /** {@code dup to addr [device dev]}. */
    record Dup(Expr address, Optional<String> device) implements Stmt {
        public Dup {
            requireNonNull(address, "address");
            requireNonNull(device, "device");
        }
    }

    /** {@code flow add @flowtable}: offloads the flow to a flowtable. */
    record FlowOffload(String flowtable) implements Stmt {
        public FlowOffload {
            requireNonNull(flowtable, "flowtable");
        }
    }
}
