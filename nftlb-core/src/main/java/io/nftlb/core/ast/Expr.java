package io.nftlb.core.ast;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.List;

/**
 * An nftables expression: something that yields a value for a rule to match, map or store.
 *
 * <p>The set is closed (sealed) so that the renderer and the linearizer can switch over it
 * exhaustively and the compiler tells us when a new kind of expression is not handled.
 */
public sealed interface Expr {

    /** The data type of the value this expression yields. */
    DataType type();

    /** A header field of the packet: {@code ip daddr}, {@code th dport}. */
    record Payload(PayloadField field) implements Expr {
        public Payload {
            requireNonNull(field, "field");
        }

        @Override
        public DataType type() {
            return field.type();
        }
    }

    /** Packet metadata: {@code meta l4proto}, {@code meta mark}. */
    record Meta(MetaKey key) implements Expr {
        public Meta {
            requireNonNull(key, "key");
        }

        @Override
        public DataType type() {
            return key.type();
        }
    }

    /** A conntrack field: {@code ct state}, {@code ct mark}. */
    record Ct(CtKey key) implements Expr {
        public Ct {
            requireNonNull(key, "key");
        }

        @Override
        public DataType type() {
            return key.type();
        }
    }

    /** {@code numgen inc|random mod M [offset O]}: a counter or random number in [O, O+M). */
    record Numgen(NumgenType mode, long modulus, long offset) implements Expr {
        public Numgen {
            requireNonNull(mode, "mode");
            if (modulus < 1 || modulus > 0xffff_ffffL) {
                throw new IllegalArgumentException("numgen modulus out of range: " + modulus);
            }
            if (offset < 0 || offset + modulus - 1 > 0xffff_ffffL) {
                throw new IllegalArgumentException("numgen offset out of range: " + offset);
            }
        }

        @Override
        public DataType type() {
            return DataType.INTEGER;
        }
    }

    /** How {@code numgen} picks numbers. */
    enum NumgenType { INC, RANDOM }

    /** {@code jhash <fields> mod M [seed S] [offset O]}: a hash of packet fields. */
    record Jhash(Expr input, long modulus, long seed, long offset) implements Expr {
        public Jhash {
            requireNonNull(input, "input");
            if (modulus < 1 || modulus > 0xffff_ffffL) {
                throw new IllegalArgumentException("jhash modulus out of range: " + modulus);
            }
        }

        @Override
        public DataType type() {
            return DataType.INTEGER;
        }
    }

    /** {@code symhash mod M [offset O]}: the same number for both directions of a flow. */
    record Symhash(long modulus, long offset) implements Expr {
        public Symhash {
            if (modulus < 1 || modulus > 0xffff_ffffL) {
                throw new IllegalArgumentException("symhash modulus out of range: " + modulus);
            }
        }

        @Override
        public DataType type() {
            return DataType.INTEGER;
        }
    }

    /** {@code a . b . c}: values laid side by side, each padded to 4 bytes in registers. */
    record Concat(List<Expr> parts) implements Expr {
        public Concat {
            parts = List.copyOf(parts);
            if (parts.size() < 2) {
                throw new IllegalArgumentException("a concatenation needs at least 2 parts: " + parts);
            }
        }

        @Override
        public DataType type() {
            return DataType.INTEGER;
        }

        /** The data types of the parts, in order. */
        public List<DataType> partTypes() {
            return parts.stream().map(Expr::type).toList();
        }
    }

    /** {@code <expr> map @name} or {@code <expr> map { k : v, ... }}: the value the key maps to. */
    record MapLookup(Expr key, Expr map, DataType valueType) implements Expr {
        public MapLookup {
            requireNonNull(key, "key");
            requireNonNull(map, "map");
            requireNonNull(valueType, "valueType");
            if (!(map instanceof SetRef) && !(map instanceof AnonSet)) {
                throw new IllegalArgumentException("map must be @name or { ... }: " + map);
            }
        }

        @Override
        public DataType type() {
            return valueType;
        }
    }

    /** {@code @name}: a named set or map of the same table. */
    record SetRef(String name) implements Expr {
        public SetRef {
            requireNonNull(name, "name");
        }

        @Override
        public DataType type() {
            return DataType.INTEGER;
        }
    }

    /**
     * {@code { a, b }} or, with data, {@code { a : x, b : y }}: an anonymous constant set or
     * map, owned by the rule that uses it.
     */
    record AnonSet(List<Element> elements) implements Expr {
        public AnonSet {
            elements = List.copyOf(elements);
            if (elements.isEmpty()) {
                throw new IllegalArgumentException("an anonymous set needs at least one element");
            }
        }

        @Override
        public DataType type() {
            return elements.get(0).key().type();
        }

        /** Whether its elements carry data, i.e. it is a map. */
        public boolean isMap() {
            return elements.get(0).data().isPresent();
        }
    }

    /** {@code expr & mask}: keeps only the bits of a mask (nft prints {@code and}). */
    record And(Expr input, long mask) implements Expr {
        public And {
            requireNonNull(input, "input");
        }

        @Override
        public DataType type() {
            return input.type();
        }
    }

    /** A constant: an address, port, protocol, mark, integer, interface name, flag bits. */
    sealed interface Const extends Expr permits Addr, Int, Str, Ether {}

    /** An IPv4 or IPv6 address. */
    record Addr(InetAddress address) implements Const {
        public Addr {
            requireNonNull(address, "address");
        }

        @Override
        public DataType type() {
            return address.getAddress().length == 4 ? DataType.IPV4_ADDR : DataType.IPV6_ADDR;
        }
    }

    /**
     * An integer constant of a given type: a port ({@code INET_SERVICE}), a protocol
     * ({@code INET_PROTO}), a mark, a numgen/hash slot ({@code INTEGER}), flag bits
     * ({@code CT_STATE}), and so on.
     */
    record Int(long value, DataType type) implements Const {
        public Int {
            requireNonNull(type, "type");
            if (value < 0) {
                throw new IllegalArgumentException("negative " + type.typeName() + " constant: " + value);
            }
            if (type.length() < 8 && value >= 1L << (8 * type.length())) {
                throw new IllegalArgumentException(type.typeName() + " constant too wide: " + value);
            }
        }
    }

    /** A string constant such as an interface name. */
    record Str(String value, DataType type) implements Const {
        public Str {
            requireNonNull(value, "value");
            requireNonNull(type, "type");
            if (value.length() >= type.length()) {
                throw new IllegalArgumentException(type.typeName() + " too long: \"" + value + '"');
            }
        }
    }

    /** An Ethernet address in canonical lower-case {@code aa:bb:cc:dd:ee:ff} form. */
    record Ether(String mac) implements Const {
        public Ether {
            requireNonNull(mac, "mac");
            if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
                throw new IllegalArgumentException("not a lower-case Ethernet address: " + mac);
            }
        }

        @Override
        public DataType type() {
            return DataType.ETHER_ADDR;
        }
    }

    /** {@code addr/len}: a network prefix (an interval in sets, a masked compare in rules). */
    record Prefix(Addr address, int length) implements Expr {
        public Prefix {
            requireNonNull(address, "address");
            int bits = address.address().getAddress().length * 8;
            if (length < 0 || length > bits) {
                throw new IllegalArgumentException("prefix length out of range: " + length);
            }
        }

        @Override
        public DataType type() {
            return address.type();
        }
    }

    /** {@code low-high}: an inclusive range of constants of one type. */
    record Range(Const low, Const high) implements Expr {
        public Range {
            requireNonNull(low, "low");
            requireNonNull(high, "high");
            if (low.type() != high.type()) {
                throw new IllegalArgumentException("range ends differ in type: " + low + " - " + high);
            }
        }

        @Override
        public DataType type() {
            return low.type();
        }
    }

    /** A verdict used as a value, e.g. the data of a verdict map element. */
    record VerdictValue(Verdict verdict) implements Expr {
        public VerdictValue {
            requireNonNull(verdict, "verdict");
        }

        @Override
        public DataType type() {
            return DataType.VERDICT;
        }
    }
}
