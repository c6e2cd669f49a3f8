package io.nftlb.core.render;

import static io.nftlb.core.render.ExprText.expr;
import static io.nftlb.core.render.ExprText.quote;

import io.nftlb.core.ast.Chain;
import io.nftlb.core.ast.Element;
import io.nftlb.core.ast.Family;
import io.nftlb.core.ast.Flowtable;
import io.nftlb.core.ast.NamedObject;
import io.nftlb.core.ast.NamedSet;
import io.nftlb.core.ast.Op;
import io.nftlb.core.ast.Ruleset;
import io.nftlb.core.ast.Table;
import io.nftlb.core.ast.Transaction;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Renders rulesets and transactions as nft scripts. The output is deterministic (the AST's
 * order, nothing else), readable, and loads with {@code nft -f}: it is what users golden-test
 * and what the nft transport sends.
 */
public final class NftText {

    private static final String INDENT = "\t";

    private NftText() {}

    /** The whole ruleset as {@code table ... { ... }} blocks. */
    public static String render(Ruleset ruleset) {
        StringBuilder out = new StringBuilder();
        for (Table t : ruleset.tables()) {
            table(out, t);
        }
        return out.toString();
    }

    /** One table as a {@code table ... { ... }} block. */
    public static String render(Table table) {
        StringBuilder out = new StringBuilder();
        table(out, table);
        return out.toString();
    }

    /** A transaction as nft commands, one per line; {@code nft -f} applies it atomically. */
    public static String render(Transaction tx) {
        StringBuilder out = new StringBuilder();
        for (Op op : tx.ops()) {
            out.append(command(op)).append('\n');
        }
        return out.toString();
    }

    /** One rule as nft prints it inside a chain. */
    public static String render(io.nftlb.core.ast.Rule rule) {
        return StmtText.rule(rule);
    }

    /** An address as nft prints it (IPv6 in its compressed form). */
    public static String address(java.net.InetAddress a) {
        return ExprText.expr(new io.nftlb.core.ast.Expr.Addr(a));
    }

    /**
     * A duration as nft writes a timeout and prints an element's {@code expires}
     * ({@code 1d2h3m4s500ms}); nothing left reads {@code 0s}.
     */
    public static String duration(java.time.Duration d) {
        return Durations.format(d);
    }

    /** One operation as an nft command. */
    public static String command(Op op) {
        String t = op.table().toString();
        return switch (op) {
            case Op.AddTable a -> "add table " + t;
            case Op.DeleteTable d -> "delete table " + t;
            case Op.AddChain a -> "add chain " + t + " " + a.chain().name()
                    + a.chain().hook().map(h -> " { " + hookLine(op.table().family(), h) + " }").orElse("");
            case Op.FlushChain f -> "flush chain " + t + " " + f.chain();
            case Op.DeleteChain d -> "delete chain " + t + " " + d.chain();
            case Op.AddRule a -> "add rule " + t + " " + a.chain() + " " + StmtText.rule(a.rule());
            case Op.DeleteRule d -> "delete rule " + t + " " + d.chain() + " handle " + d.handle();
            case Op.AddSet a -> "add " + (a.set().isMap() ? "map " : "set ") + t + " " + a.set().name()
                    + " { " + String.join("; ", setLines(a.set())) + "; }";
            case Op.DeleteSet d -> "delete set " + t + " " + d.set();
            case Op.FlushSet f -> "flush set " + t + " " + f.set();
            case Op.AddElements a -> "add element " + t + " " + a.set() + " " + elements(a.elements());
            case Op.DeleteElements d -> "delete element " + t + " " + d.set() + " " + keys(d.elements());
            case Op.AddObject a -> "add " + a.object().kind().keyword() + " " + t + " " + a.object().name()
                    + objectBody(a.object(), "; ");
            case Op.DeleteObject d -> "delete " + d.object().kind().keyword() + " " + t + " " + d.object().name();
            case Op.AddFlowtable a -> "add flowtable " + t + " " + a.flowtable().name() + " { "
                    + String.join("; ", flowtableLines(a.flowtable())) + "; }";
            case Op.DeleteFlowtable d -> "delete flowtable " + t + " " + d.flowtable();
            case Op.DeleteFlowtableDevices d -> "delete flowtable " + t + " " + d.flowtable()
                    + " { hook ingress priority " + d.priority() + "; devices = { " + String.join(", ", d.devices())
                    + " }; }";
        };
    }

    private static void table(StringBuilder out, Table t) {
        out.append("table ").append(t.family().keyword()).append(' ').append(t.name()).append(" {\n");
        boolean first = true;
        for (NamedSet s : t.sets()) {
            first = separate(out, first);
            out.append(INDENT).append(s.isMap() ? "map " : "set ").append(s.name()).append(" {\n");
            for (String line : setLines(s)) {
                out.append(INDENT).append(INDENT).append(line).append('\n');
            }
            out.append(INDENT).append("}\n");
        }
        for (NamedObject o : t.objects()) {
            first = separate(out, first);
            out.append(INDENT).append(o.kind().keyword()).append(' ').append(o.name())
                    .append(objectBody(o, "\n" + INDENT + INDENT).replace("{ ", "{\n" + INDENT + INDENT)
                            .replace(" }", "\n" + INDENT + "}")).append('\n');
        }
        for (Flowtable f : t.flowtables()) {
            first = separate(out, first);
            out.append(INDENT).append("flowtable ").append(f.name()).append(" {\n");
            for (String line : flowtableLines(f)) {
                out.append(INDENT).append(INDENT).append(line).append('\n');
            }
            out.append(INDENT).append("}\n");
        }
        for (Chain c : t.chains()) {
            first = separate(out, first);
            out.append(INDENT).append("chain ").append(c.name()).append(" {\n");
            c.hook().ifPresent(h -> out.append(INDENT).append(INDENT).append(hookLine(t.family(), h)).append('\n'));
            c.rules().forEach(r -> out.append(INDENT).append(INDENT).append(StmtText.rule(r)).append('\n'));
            out.append(INDENT).append("}\n");
        }
        out.append("}\n");
    }

    private static boolean separate(StringBuilder out, boolean first) {
        if (!first) {
            out.append('\n');
        }
        return false;
    }

    private static List<String> setLines(NamedSet s) {
        List<String> lines = new java.util.ArrayList<>();
        String data = s.verdictMap() ? " : verdict" : s.data().map(d -> " : " + expr(d)).orElse("");
        lines.add("typeof " + expr(s.key()) + data);
        s.size().ifPresent(n -> lines.add("size " + n));
        if (!s.flags().isEmpty()) {
            lines.add("flags " + s.flags().stream().sorted().map(NamedSet.SetFlag::keyword)
                    .collect(Collectors.joining(",")));
        }
        s.timeout().ifPresent(d -> lines.add("timeout " + Durations.format(d)));
        s.gcInterval().ifPresent(d -> lines.add("gc-interval " + Durations.format(d)));
        if (!s.elements().isEmpty()) {
            lines.add("elements = " + elements(s.elements()));
        }
        return lines;
    }

    private static String elements(List<Element> elements) {
        return "{ " + elements.stream().map(ExprText::element).collect(Collectors.joining(", ")) + " }";
    }

    private static String keys(List<Element> elements) {
        return "{ " + elements.stream().map(e -> expr(e.key())).collect(Collectors.joining(", ")) + " }";
    }

    private static String hookLine(Family family, Chain.Hook h) {
        return "type " + h.type().keyword() + " hook " + h.point().keyword()
                + h.device().map(d -> " device " + quote(d)).orElse("")
                + " priority " + priority(family, h.point(), h.priority()) + "; policy " + h.policy().keyword() + ";";
    }

    /** A priority by its name where nft has one: dstnat names -100 at prerouting only, srcnat 100 at postrouting only. */
    private static String priority(Family family, Chain.HookPoint point, int p) {
        if (family == Family.NETDEV || family == Family.BRIDGE || family == Family.ARP) {
            return Integer.toString(p);
        }
        return switch (p) {
            case Chain.PRIORITY_RAW -> "raw";
            case Chain.PRIORITY_MANGLE -> "mangle";
            case Chain.PRIORITY_DSTNAT -> point == Chain.HookPoint.PREROUTING ? "dstnat" : Integer.toString(p);
            case Chain.PRIORITY_FILTER -> "filter";
            case Chain.PRIORITY_SECURITY -> "security";
            case Chain.PRIORITY_SRCNAT -> point == Chain.HookPoint.POSTROUTING ? "srcnat" : Integer.toString(p);
            default -> Integer.toString(p);
        };
    }

    private static List<String> flowtableLines(Flowtable f) {
        List<String> lines = new java.util.ArrayList<>(List.of("hook ingress priority " + f.priority(),
                "devices = { " + String.join(", ", f.devices()) + " }"));
        if (f.counter()) {
            lines.add("counter");
        }
        return lines;
    }

    private static String objectBody(NamedObject o, String sep) {
        return switch (o) {
            case NamedObject.Counter c -> " { }"; // nft 1.0.6 rejects a bare "counter NAME"
            case NamedObject.Quota q -> " { " + (q.over() ? "over " : "") + q.bytes() + " bytes }";
            case NamedObject.Limit l -> " { " + StmtText.stmt(l.limit()).replaceFirst("^limit ", "") + " }";
            case NamedObject.CtHelper h -> " { type " + quote(h.helper()) + " protocol "
                    + ExprText.protocolName(h.l4proto()) + sep + "l3proto " + h.l3proto().keyword()
                    + (sep.startsWith(";") ? ";" : "") + " }"; // nft wants "; }" after the last statement on one line
        };
    }
}
