package io.nftlb.core.render;

import io.nftlb.core.ast.CtKey;
import io.nftlb.core.ast.DataType;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Expr;
import io.nftlb.core.ast.Verdict;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes expressions, constants and verdicts the way nft accepts (and mostly lists) them. */
final class ExprText {

    private ExprText() {}

    static String expr(Expr e) {
        return switch (e) {
            case Expr.Payload p -> p.field().text();
            case Expr.Meta m -> m.key().text();
            case Expr.Ct c -> "ct " + c.key().keyword();
            case Expr.Numgen n -> "numgen " + n.mode().name().toLowerCase(Locale.ROOT) + " mod " + n.modulus()
                    + (n.offset() != 0 ? " offset " + n.offset() : "");
            case Expr.Jhash h -> "jhash " + expr(h.input()) + " mod " + h.modulus()
                    + " seed 0x" + Long.toHexString(h.seed()) + (h.offset() != 0 ? " offset " + h.offset() : "");
            case Expr.Symhash h -> "symhash mod " + h.modulus() + (h.offset() != 0 ? " offset " + h.offset() : "");
            case Expr.Concat c -> c.parts().stream().map(ExprText::expr).collect(Collectors.joining(" . "));
            case Expr.MapLookup l -> expr(l.key()) + " map " + expr(l.map());
            case Expr.SetRef s -> "@" + s.name();
            case Expr.AnonSet s -> "{ " + s.elements().stream().map(ExprText::element)
                    .collect(Collectors.joining(", ")) + " }";
            case Expr.And a -> expr(a.input()) + " & 0x" + Long.toHexString(a.mask());
            case Expr.Addr a -> address(a);
            case Expr.Int i -> integer(i);
            case Expr.Str s -> '"' + s.value() + '"';
            case Expr.Ether m -> m.mac();
            case Expr.Prefix p -> address(p.address()) + "/" + p.length();
            case Expr.Range r -> expr(r.low()) + "-" + expr(r.high());
            case Expr.VerdictValue v -> verdict(v.verdict());
        };
    }

    static String verdict(Verdict v) {
        return v.kind().keyword() + v.chain().map(c -> " " + c).orElse("");
    }

    /** {@code key [timeout T] [: data] [comment "c"]}, as nft's element syntax has it. */
    static String element(Element el) {
        StringBuilder b = new StringBuilder(expr(el.key()));
        el.timeout().ifPresent(t -> b.append(" timeout ").append(Durations.format(t)));
        el.comment().ifPresent(c -> b.append(" comment ").append(quote(c)));
        el.data().ifPresent(d -> b.append(" : ").append(expr(d)));
        return b.toString();
    }

    static String quote(String s) {
        return '"' + s.replace("\"", "\\\"") + '"';
    }

    private static String address(Expr.Addr a) {
        String text = a.address().getHostAddress();
        return a.address() instanceof Inet6Address ? compressIpv6(text) : text;
    }

    /** Java prints 0:0:0:0:0:0:0:1; nft prints ::1 (RFC 5952 form). */
    static String compressIpv6(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", List.of(groups).subList(0, bestStart));
        String tail = String.join(":", List.of(groups).subList(bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }

    private static String integer(Expr.Int i) {
        long v = i.value();
        return switch (i.type()) {
            case MARK -> String.format(Locale.ROOT, "0x%08x", v);
            case CT_STATUS -> ctStatus(v);
            case INET_PROTO -> protocolName(v);
            case NFPROTO -> v == 2 ? "ipv4" : v == 10 ? "ipv6" : Long.toString(v);
            case CT_STATE -> ctState(v);
            case TCP_FLAG -> tcpFlags(v);
            case CT_DIR -> v == 0 ? "original" : "reply";
            default -> Long.toString(v);
        };
    }

    static String protocolName(long proto) {
        return switch ((int) proto) {
            case 1 -> "icmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 58 -> "ipv6-icmp";
            case 132 -> "sctp";
            case 136 -> "udplite";
            case 33 -> "dccp";
            default -> Long.toString(proto);
        };
    }

    private static final List<String> TCP_FLAGS = List.of("fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr");

    private static String tcpFlags(long bits) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < TCP_FLAGS.size(); i++) {
            if ((bits & (1L << i)) != 0) {
                names.add(TCP_FLAGS.get(i));
            }
        }
        return names.isEmpty() ? "0x0" : String.join(",", names);
    }

    /** nft's names of ct status bits; bits it does not name print as one hex remainder, as nft does. */
    private static String ctStatus(long bits) {
        List<String> names = new ArrayList<>();
        long named = 0;
        for (Map.Entry<Long, String> e : CT_STATUS_NAMES.entrySet()) {
            if ((bits & e.getKey()) != 0) {
                names.add(e.getValue());
                named |= e.getKey();
            }
        }
        if ((bits & ~named) != 0 || names.isEmpty()) {
            names.add("0x" + Long.toHexString(bits & ~named));
        }
        return String.join(",", names);
    }

    private static final Map<Long, String> CT_STATUS_NAMES = orderedNames();

    private static Map<Long, String> orderedNames() {
        Map<Long, String> m = new LinkedHashMap<>();
        m.put(CtKey.STATUS_EXPECTED, "expected");
        m.put(CtKey.STATUS_SEEN_REPLY, "seen-reply");
        m.put(CtKey.STATUS_ASSURED, "assured");
        m.put(CtKey.STATUS_CONFIRMED, "confirmed");
        m.put(CtKey.STATUS_SNAT, "snat");
        m.put(CtKey.STATUS_DNAT, "dnat");
        m.put(CtKey.STATUS_DYING, "dying");
        return m;
    }

    private static String ctState(long bits) {
        List<String> names = new ArrayList<>();
        if ((bits & CtKey.STATE_INVALID) != 0) {
            names.add("invalid");
        }
        if ((bits & CtKey.STATE_ESTABLISHED) != 0) {
            names.add("established");
        }
        if ((bits & CtKey.STATE_RELATED) != 0) {
            names.add("related");
        }
        if ((bits & CtKey.STATE_NEW) != 0) {
            names.add("new");
        }
        if ((bits & CtKey.STATE_UNTRACKED) != 0) {
            names.add("untracked");
        }
        return String.join(",", names);
    }

    /** The nft type name for a data type in {@code type} declarations (kept for explain output). */
    static String typeName(DataType t) {
        return t.typeName();
    }
}
