package io.nftlb.core.render;

import static io.nftlb.core.render.ExprText.expr;
import static io.nftlb.core.render.ExprText.quote;

import io.nftlb.core.ast.Rule;
import io.nftlb.core.ast.Stmt;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Writes statements and rules in nft syntax. */
final class StmtText {

    private StmtText() {}

    static String rule(Rule r) {
        String body = r.statements().stream().map(StmtText::stmt).collect(Collectors.joining(" "));
        return r.comment().map(c -> body + " comment " + quote(c)).orElse(body);
    }

    static String stmt(Stmt s) {
        return switch (s) {
            case Stmt.Match m -> expr(m.left()) + " " + (m.op() == Stmt.Op.EQ ? "" : m.op().symbol() + " ")
                    + expr(m.right());
            case Stmt.VerdictStmt v -> ExprText.verdict(v.verdict());
            case Stmt.VerdictMap v -> expr(v.key()) + " vmap " + expr(v.map());
            case Stmt.CtSet c -> "ct " + c.key().keyword() + " set " + expr(c.value());
            case Stmt.MetaSet m -> m.key().text() + " set " + expr(m.value());
            case Stmt.PayloadSet p -> p.field().text() + " set " + expr(p.value());
            case Stmt.Nat n -> nat(n);
            case Stmt.Masquerade m -> "masquerade" + natFlags(m.flags());
            case Stmt.Redirect r -> "redirect" + r.port().map(p -> " to :" + expr(p)).orElse("");
            case Stmt.Counter c -> "counter";
            case Stmt.Limit l -> "limit rate " + (l.over() ? "over " : "") + l.rate()
                    + (l.bytes() ? " bytes" : "") + "/" + l.per().keyword()
                    + (l.burst() > 0 ? " burst " + l.burst() + (l.bytes() ? " bytes" : " packets") : "");
            case Stmt.Log l -> "log" + l.prefix().map(p -> " prefix " + quote(p)).orElse("")
                    + l.level().map(v -> " level " + v).orElse("")
                    + (l.group().isPresent() ? " group " + l.group().getAsInt() : "");
            case Stmt.Reject r -> r.tcpReset() ? "reject with tcp reset" : "reject";
            case Stmt.SetUpdate u -> u.op().name().toLowerCase(Locale.ROOT) + " @" + u.set() + " { " + expr(u.key())
                    + u.timeout().map(t -> " timeout " + Durations.format(t)).orElse("")
                    + u.stateful().map(st -> " " + stmt(st)).orElse("")
                    + u.data().map(d -> " : " + expr(d)).orElse("") + " }";
            case Stmt.Notrack n -> "notrack";
            case Stmt.Queue q -> "queue num " + q.num() + (q.total() > 1 ? "-" + (q.num() + q.total() - 1) : "")
                    + queueFlags(q);
            case Stmt.Connlimit c -> "ct count " + (c.over() ? "over " : "") + c.count();
            case Stmt.Quota q -> "quota " + (q.over() ? "over " : "") + q.bytes() + " bytes";
            case Stmt.ObjRef o -> switch (o.kind()) {
                case CT_HELPER -> "ct helper set " + quote(o.name());
                case COUNTER -> "counter name " + quote(o.name());
                case QUOTA -> "quota name " + quote(o.name());
                case LIMIT -> "limit name " + quote(o.name());
                case CONNLIMIT -> "ct count name " + quote(o.name());
            };
            case Stmt.Fwd f -> f.address().map(a -> "fwd " + (a.type().length() == 4 ? "ip" : "ip6") + " to "
                    + expr(a) + " device " + quote(f.device())).orElse("fwd to " + quote(f.device()));
            case Stmt.Dup d -> "dup to " + expr(d.address()) + d.device().map(dev -> " device " + quote(dev)).orElse("");
            case Stmt.FlowOffload f -> "flow add @" + f.flowtable();
        };
    }

    private static String nat(Stmt.Nat n) {
        StringBuilder b = new StringBuilder(n.kind().name().toLowerCase(Locale.ROOT)).append(' ')
                .append(n.family().keyword()).append(" to");
        n.address().ifPresent(a -> b.append(' ').append(expr(a)));
        n.port().ifPresent(p -> b.append(n.address().isPresent() ? ":" : " :").append(expr(p)));
        return b.append(natFlags(n.flags())).toString();
    }

    private static String natFlags(Set<Stmt.NatFlag> flags) {
        if (flags.isEmpty()) {
            return "";
        }
        return " " + flags.stream().sorted().map(f -> f.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .collect(Collectors.joining(","));
    }

    private static String queueFlags(Stmt.Queue q) {
        if (!q.bypass() && !q.fanout()) {
            return "";
        }
        return " " + (q.bypass() ? "bypass" : "") + (q.bypass() && q.fanout() ? "," : "") + (q.fanout() ? "fanout" : "");
    }
}
